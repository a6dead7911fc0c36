import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { emitSoapService } from "../src/emit/soap.js";
import { readWsdl, wsdlToModel } from "../src/input/wsdl.js";

/** A one-operation SOAP 1.2 WSDL whose binding starts with `bindingExtra`, after `policies`. */
function wsdl(bindingExtra: string, policies = ""): string {
  return `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:wsaw="http://www.w3.org/2006/05/addressing/wsdl" xmlns:wsam="http://www.w3.org/2007/05/addressing/metadata" xmlns:wsp="http://www.w3.org/ns/ws-policy" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:sp="http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702" xmlns:tns="urn:x" targetNamespace="urn:x">
  ${policies}
  <wsdl:types><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x" elementFormDefault="qualified">
    <xs:element name="Ping"><xs:complexType><xs:sequence/></xs:complexType></xs:element>
    <xs:element name="PingResponse"><xs:complexType><xs:sequence/></xs:complexType></xs:element>
    <xs:element name="PingFault"><xs:complexType><xs:sequence/></xs:complexType></xs:element>
  </xs:schema></wsdl:types>
  <wsdl:message name="In"><wsdl:part name="p" element="tns:Ping"/></wsdl:message>
  <wsdl:message name="Out"><wsdl:part name="p" element="tns:PingResponse"/></wsdl:message>
  <wsdl:message name="Fault"><wsdl:part name="detail" element="tns:PingFault"/></wsdl:message>
  <wsdl:portType name="IPing"><wsdl:operation name="Ping">
    <wsdl:input wsaw:Action="urn:x/IPing/PingIn" message="tns:In"/>
    <wsdl:output wsaw:Action="urn:x/IPing/PingOut" message="tns:Out"/>
    <wsdl:fault wsaw:Action="urn:x/IPing/PingPingFaultFault" name="PingFaultFault" message="tns:Fault"/>
    <wsdl:fault name="Plain" message="tns:Fault"/>
  </wsdl:operation></wsdl:portType>
  <wsdl:binding name="B" type="tns:IPing">${bindingExtra}
    <soap12:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Ping"><soap12:operation soapAction="urn:x/IPing/Ping" style="document"/>
      <wsdl:input><soap12:body use="literal"/></wsdl:input><wsdl:output><soap12:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="S"><wsdl:port name="P" binding="tns:B"><soap12:address location="http://localhost/ping"/></wsdl:port></wsdl:service>
</wsdl:definitions>`;
}
const read = (text: string) => wsdlToModel(text, { name: "Ping", source: "ping.wsdl" });
const policy = (body: string) =>
  `<wsp:Policy wsu:Id="B_policy"><wsp:ExactlyOne><wsp:All>${body}</wsp:All></wsp:ExactlyOne></wsp:Policy>`;

describe("WSDL input: whether a binding uses WS-Addressing", () => {
  it("is told by wsaw:UsingAddressing on the binding", () => {
    expect(read(wsdl("<wsaw:UsingAddressing/>")).soap!.addressing).toBe(true);
  });

  it("is told by wsam:Addressing or wsaw:UsingAddressing in the binding's referenced or inline policy", () => {
    const ref = '<wsp:PolicyReference URI="#B_policy"/>';
    expect(
      read(wsdl(ref, policy("<wsam:Addressing><wsp:Policy/></wsam:Addressing>"))).soap!.addressing,
    ).toBe(true);
    expect(read(wsdl(ref, policy("<wsaw:UsingAddressing/>"))).soap!.addressing).toBe(true);
    expect(read(wsdl(policy("<wsaw:UsingAddressing/>"))).soap!.addressing).toBe(true);
  });

  it("is not told by action attributes alone, an optional assertion or one nested in another assertion", () => {
    const ref = '<wsp:PolicyReference URI="#B_policy"/>';
    expect(read(wsdl("")).soap!.addressing).toBeUndefined();
    expect(
      read(wsdl(ref, policy('<wsam:Addressing wsp:Optional="true"/>'))).soap!.addressing,
    ).toBeUndefined();
    const nested =
      "<sp:SymmetricBinding><wsp:Policy><sp:BootstrapPolicy><wsp:Policy><wsaw:UsingAddressing/></wsp:Policy></sp:BootstrapPolicy></wsp:Policy></sp:SymmetricBinding>";
    expect(read(wsdl(ref, policy(nested))).soap!.addressing).toBeUndefined();
    expect(
      read(wsdl('<wsp:PolicyReference URI="#missing"/>', policy("<wsaw:UsingAddressing/>"))).soap!
        .addressing,
    ).toBeUndefined();
  });

  it("puts addressing and the input action into the descriptor only for such a binding", () => {
    const with_ = emitSoapService(read(wsdl("<wsaw:UsingAddressing/>")));
    expect(with_).toContain('"addressing": true');
    expect(with_).toContain('"inputAction": "urn:x/IPing/PingIn"');
    const without = emitSoapService(read(wsdl("")));
    expect(without).not.toContain('"addressing"');
    expect(without).not.toContain("inputAction");
    expect(without).toContain('"outputAction": "urn:x/IPing/PingOut"');
  });

  it("puts each declared fault into the descriptor: name, detail element and action", () => {
    const op = read(wsdl("<wsaw:UsingAddressing/>")).soap!.operations[0]!;
    expect(op.faults).toEqual([
      {
        name: "PingFaultFault",
        element: { ns: "urn:x", local: "PingFault" },
        action: "urn:x/IPing/PingPingFaultFault",
      },
      { name: "Plain", element: { ns: "urn:x", local: "PingFault" } },
    ]);
    expect(emitSoapService(read(wsdl("")))).toContain(
      '"faults": [\n        {\n          "name": "PingFaultFault",',
    );
  });

  it("finds it in the Sign Service's binding, and not in the notification service's", async () => {
    const at = (p: string) => fileURLToPath(new URL(`../../../specs/${p}`, import.meta.url));
    const sign = await readWsdl(at("dss-signservice/SignService.wsdl"), {
      name: "DssSignService",
      source: "specs/dss-signservice/SignService.wsdl",
    });
    expect(sign.soap!.addressing).toBe(true);
    const notification = await readWsdl(at("dss-notification/NotificationService.wsdl"), {
      name: "DssNotification",
      source: "specs/dss-notification/NotificationService.wsdl",
    });
    expect(notification.soap!.addressing).toBeUndefined();
  });
});
