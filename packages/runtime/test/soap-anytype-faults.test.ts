import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen } from "../src/server.js";
import { readAddressingHeaders, WSA_NS, WSA_SOAP_FAULT_ACTION } from "../src/soap/addressing.js";
import { callSoapOperation, createSoapClient } from "../src/soap/client.js";
import { buildEnvelope, parseEnvelope, SoapFault } from "../src/soap/envelope.js";
import { createSoapServer } from "../src/soap/server.js";
import type { SoapServiceDescriptor } from "../src/soap/service.js";
import { XSD_NS, XSI_NS } from "../src/xml/codec.js";

const NS = "urn:test:props";
const DC = "http://schemas.datacontract.org/2004/07/Test";
const SET = `${NS}/IProps/Set`;
const FAULT = `${NS}/IProps/SetPropsFaultFault`;

/** One operation, `Set`, whose `Value` is `xs:anyType` and whose typed fault is `PropsFault`. */
const service: SoapServiceDescriptor = {
  name: "Props",
  version: "1.2",
  addressing: true,
  targetNamespace: NS,
  types: {
    Set: {
      kind: "complex",
      attributes: [],
      particles: [
        {
          kind: "element",
          property: "Value",
          name: { ns: NS, local: "Value" },
          type: { scalar: "any", xsd: "anyType" },
          minOccurs: 0,
          maxOccurs: 1,
          nillable: true,
        },
      ],
    },
    PropsFault: {
      kind: "complex",
      attributes: [],
      particles: [
        {
          kind: "element",
          property: "Code",
          name: { ns: DC, local: "Code" },
          type: { scalar: "string", xsd: "string" },
          minOccurs: 0,
          maxOccurs: 1,
          nillable: true,
        },
      ],
    },
  },
  operations: {
    Set: {
      name: "Set",
      action: SET,
      outputAction: `${SET}Response`,
      input: { name: { ns: NS, local: "Set" }, type: { ref: "Set" }, nillable: false },
      output: { name: { ns: NS, local: "SetResponse" }, type: { ref: "Set" }, nillable: false },
      faults: [
        { name: "PropsFaultFault", element: { ns: DC, local: "PropsFault" }, action: FAULT },
      ],
    },
  },
};

const received: unknown[] = [];
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  server = await listen(
    createSoapServer(service, {
      Set({ message }: { message: { Value?: unknown } }) {
        received.push(message.Value);
        if (message.Value === "typed") {
          throw new SoapFault("Server", "refused", {
            detail: `<PropsFault xmlns="${DC}"><Code>bad</Code></PropsFault>`,
          });
        }
        if (message.Value === "untyped") throw new SoapFault("Server", "refused");
        return { Value: message.Value };
      },
    }),
    { host: "127.0.0.1", port: 0 },
  );
});
afterAll(async () => {
  await server.close();
});

describe("xs:anyType over SOAP", () => {
  it("travels from the client to the stub and back with xsi:type, as its JavaScript value", async () => {
    const client = createSoapClient(service, { url: server.url });
    const bytes = new Uint8Array([9, 8, 7]);
    const when = new Date(Date.UTC(2026, 0, 1));
    for (const value of ["1234", true, 12, 2 ** 33, 0.5, bytes, when]) {
      received.length = 0;
      const out = await callSoapOperation<{ Value: unknown }>(client, "Set", { Value: value });
      expect(received).toEqual([value]);
      expect(out).toEqual({ Value: value });
    }
  });

  it("reads the member as WCF writes it (i:type with a b: prefix declared on the member)", async () => {
    received.length = 0;
    const res = await post(
      `<Set xmlns="${NS}" xmlns:i="${XSI_NS}"><Value i:type="b:string" xmlns:b="${XSD_NS}">0000</Value></Set>`,
    );
    expect(res.status).toBe(200);
    expect(received).toEqual(["0000"]);
    expect(res.text).toMatch(/<Value [^>]*i:type="xs:string"[^>]*>0000<\/Value>/);
  });
});

describe("typed faults under WS-Addressing", () => {
  it("answer with the fault action the WSDL gives the fault whose element the detail holds", async () => {
    const typed = await post(`<Set xmlns="${NS}"><Value>typed</Value></Set>`);
    expect(typed.status).toBe(500);
    expect(readAddressingHeaders(parseEnvelope(typed.text, "1.2").headers).action).toBe(FAULT);
    expect(typed.text).toContain("<Code>bad</Code>");
    const plain = await post(`<Set xmlns="${NS}"><Value>untyped</Value></Set>`);
    expect(plain.status).toBe(500);
    expect(readAddressingHeaders(parseEnvelope(plain.text, "1.2").headers).action).toBe(
      WSA_SOAP_FAULT_ACTION,
    );
  });
});

async function post(body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": `application/soap+xml; charset=utf-8; action="${SET}"` },
    body: buildEnvelope("1.2", body, [
      `<a:Action xmlns:a="${WSA_NS}">${SET}</a:Action>`,
      `<a:MessageID xmlns:a="${WSA_NS}">urn:uuid:1</a:MessageID>`,
    ]),
  });
  return { status: res.status, text: await res.text() };
}
