import { describe, expect, it } from "vitest";
import type { RawRequest } from "../src/server.js";
import { createSoapEndpoint } from "../src/soap/endpoint.js";
import { servedWsdl, wsdlTemplate } from "../src/soap/wsdl.js";

// The schema documents a WSDL imports, served beside it at `?xsd=xsdN` as WCF serves them: every
// `schemaLocation` that names one becomes the absolute URL of the request with that query.
const WSDL = `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <wsdl:types>
    <xs:schema targetNamespace="urn:a">
      <xs:import namespace="urn:b" schemaLocation="?xsd=xsd0"/>
      <xs:import namespace="urn:c" schemaLocation='?xsd=xsd1' />
      <xs:import namespace="urn:d" schemaLocation="http://elsewhere.test/d.xsd"/>
      <xs:import namespace="urn:e" schemaLocation="e.xsd"/>
    </xs:schema>
  </wsdl:types>
  <wsdl:service name="S"><wsdl:port name="P" binding="tns:B"><soap12:address location="http://localhost:8733/S"/></wsdl:port></wsdl:service>
</wsdl:definitions>`;
const XSD0 = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:b"><xs:include schemaLocation="?xsd=xsd2"/></xs:schema>`;

const get = (url: string, host?: string): RawRequest => ({
  method: "GET",
  url,
  headers: host ? { host } : {},
  body: new Uint8Array(0),
});

describe("SOAP endpoint: schema documents at ?xsd=", () => {
  it("rewrites ?xsd= locations and port addresses to the request's URL, nothing else", () => {
    const text = servedWsdl(wsdlTemplate(WSDL), get("/svc?wsdl", "h.test:81"));
    expect(text).toBe(
      WSDL.replace('"?xsd=xsd0"', '"http://h.test:81/svc?xsd=xsd0"')
        .replace("'?xsd=xsd1'", "'http://h.test:81/svc?xsd=xsd1'")
        .replace("http://localhost:8733/S", "http://h.test:81/svc"),
    );
  });

  it("leaves the relative ?xsd= form when the request names no usable host", () => {
    expect(servedWsdl(wsdlTemplate(WSDL), get("/svc?wsdl"))).toBe(WSDL);
  });

  it("a WSDL without ?xsd= locations has the template it had", () => {
    const plain = WSDL.replace(/\?xsd=xsd\d/g, "x.xsd");
    expect(wsdlTemplate(plain).queries).toBeUndefined();
  });

  it("serves each document at ?xsd=<name>, rewritten alike; an unknown name is refused", async () => {
    const { handle } = createSoapEndpoint({
      version: "1.2",
      operations: [],
      wsdl: WSDL,
      schemaDocuments: { xsd0: XSD0 },
    });
    const out = await handle(get("/svc?xsd=xsd0", "h.test"));
    expect(out.status).toBe(200);
    expect(out.headers["content-type"]).toBe("text/xml; charset=utf-8");
    expect(new TextDecoder().decode(out.body)).toBe(
      XSD0.replace("?xsd=xsd2", "http://h.test/svc?xsd=xsd2"),
    );
    expect((await handle(get("/svc?xsd=xsd7", "h.test"))).status).toBe(405);
  });
});
