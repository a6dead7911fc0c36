import { describe, expect, it } from "vitest";
import { emitSoapServer, emitSoapService } from "../src/emit/soap.js";
import { wsdlToModel } from "../src/input/wsdl.js";
import { servedWsdl } from "../src/input/wsdl-served.js";

// The WSDL a generated server serves at `?wsdl`: each schema document reached through a relative
// `schemaLocation` gets WCF's name (`xsd0`, … in the order met) and every location names it.
const WSDL = `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:s" xmlns:b="urn:b" targetNamespace="urn:s">
  <wsdl:types>
    <xs:schema targetNamespace="urn:s" elementFormDefault="qualified">
      <xs:import namespace="urn:b" schemaLocation="types/b.xsd"/>
      <xs:import namespace="urn:r" schemaLocation="http://remote.test/r.xsd"/>
      <xs:element name="Ping"><xs:complexType><xs:sequence><xs:element name="v" type="b:V"/></xs:sequence></xs:complexType></xs:element>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="In"><wsdl:part name="p" element="tns:Ping"/></wsdl:message>
  <wsdl:portType name="P"><wsdl:operation name="Ping"><wsdl:input message="tns:In"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="B" type="tns:P"><soap12:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Ping"><soap12:operation soapAction="urn:s/Ping"/><wsdl:input><soap12:body use="literal"/></wsdl:input></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="S"><wsdl:port name="P" binding="tns:B"><soap12:address location="http://h.test/s"/></wsdl:port></wsdl:service>
</wsdl:definitions>`;
const FILES: Record<string, string> = {
  "/spec/types/b.xsd": `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:b"><xs:include schemaLocation='common/c.xsd'/><xs:import namespace="urn:s2" schemaLocation="../b.xsd"/></xs:schema>`,
  "/spec/types/common/c.xsd": `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:b"><xs:simpleType name="V"><xs:restriction base="xs:string"/></xs:simpleType><xs:include schemaLocation="../b.xsd"/></xs:schema>`,
  "/spec/b.xsd": `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:s2"/>`,
};
const readText = (file: string) => {
  const text = FILES[file];
  if (text === undefined) throw new Error(`no ${file}`);
  return text;
};

describe("the served WSDL and its schema documents", () => {
  it("numbers the documents in the order met and rewrites each relative location", () => {
    const served = servedWsdl(WSDL, "/spec/s.wsdl", readText);
    expect(served.wsdl).toBe(WSDL.replace('"types/b.xsd"', '"?xsd=xsd0"'));
    expect(served.documents).toEqual({
      xsd0: FILES["/spec/types/b.xsd"]!.replace("'common/c.xsd'", "'?xsd=xsd1'").replace(
        '"../b.xsd"',
        '"?xsd=xsd2"',
      ),
      // A document reached twice (here b.xsd, from c.xsd again) keeps its one name.
      xsd1: FILES["/spec/types/common/c.xsd"]!.replace('"../b.xsd"', '"?xsd=xsd0"'),
      xsd2: FILES["/spec/b.xsd"],
    });
  });

  it("a WSDL without relative locations is served as written, with no documents", () => {
    const plain = WSDL.replace(/<xs:import namespace="urn:b"[^>]*>/, "");
    expect(servedWsdl(plain, "/spec/s.wsdl", readText)).toEqual({ wsdl: plain, documents: {} });
  });

  it("the generated service exports the documents and the server stub serves them", () => {
    const model = wsdlToModel(WSDL.replace(/\s*<xs:import namespace="urn:r"[^>]*>/, ""), {
      name: "S",
      source: "spec/s.wsdl",
      file: "/spec/s.wsdl",
      readText,
    });
    expect(model.soap?.schemaDocuments).toHaveProperty("xsd2");
    expect(emitSoapService(model)).toContain("export const schemaDocuments");
    expect(emitSoapServer(model)).toContain("defaultSchemaDocuments: schemaDocuments");
  });
});
