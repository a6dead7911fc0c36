import { describe, expect, it } from "vitest";
import {
  addressingReplyHeaders,
  parseEnvelope,
  readAddressingHeaders,
  readFault,
  SoapFault,
  type SoapFaultCode,
  type SoapVersion,
  soapFaultResponse,
} from "../src/soap.js";

const decoder = new TextDecoder("utf-8", { fatal: true });
const codes: SoapFaultCode[] = ["Client", "Server", "VersionMismatch", "MustUnderstand"];

function read(version: SoapVersion, body: Uint8Array) {
  const envelope = parseEnvelope(decoder.decode(body), version);
  return { envelope, fault: readFault(envelope) };
}

describe("soapFaultResponse", () => {
  it("answers a SOAP 1.1 fault as text/xml with 500 for every code", () => {
    for (const code of codes) {
      const r = soapFaultResponse("1.1", new SoapFault(code, "Не тот запрос & <так>"));
      expect(r.status, code).toBe(500);
      expect(r.headers).toEqual({ "content-type": "text/xml; charset=utf-8" });
      const { fault } = read("1.1", r.body as Uint8Array);
      expect(fault).toMatchObject({ faultCode: code, reason: "Не тот запрос & <так>" });
    }
  });

  it("answers a SOAP 1.2 Sender fault with 400 and any other code with 500", () => {
    const expected: Record<SoapFaultCode, [string, number]> = {
      Client: ["Sender", 400],
      Server: ["Receiver", 500],
      VersionMismatch: ["VersionMismatch", 500],
      MustUnderstand: ["MustUnderstand", 500],
    };
    for (const code of codes) {
      const r = soapFaultResponse("1.2", new SoapFault(code, "reason"));
      const [value, status] = expected[code];
      expect(r.status, code).toBe(status);
      expect(r.headers).toEqual({ "content-type": "application/soap+xml; charset=utf-8" });
      const { fault } = read("1.2", r.body as Uint8Array);
      expect(fault?.faultCode).toBe(value);
      expect(fault?.reason).toBe("reason");
    }
  });

  it("keeps a fault's subcode and detail", () => {
    const subcode = { ns: "urn:test", local: "Refused" };
    const r = soapFaultResponse(
      "1.2",
      new SoapFault("Client", "no", { subcode, detail: '<t:Why xmlns:t="urn:test">x</t:Why>' }),
    );
    const { fault } = read("1.2", r.body as Uint8Array);
    expect(fault?.subcode).toEqual(subcode);
    expect(fault?.detail).toContain("<t:Why");
  });

  it("gives Client faults clientFaultStatus, a fault's own status first, options.status over both", () => {
    expect(
      soapFaultResponse("1.2", new SoapFault("Client", "x"), { clientFaultStatus: 500 }).status,
    ).toBe(500);
    expect(
      soapFaultResponse("1.1", new SoapFault("Client", "x"), { clientFaultStatus: 400 }).status,
    ).toBe(400);
    expect(
      soapFaultResponse("1.2", new SoapFault("Server", "x"), { clientFaultStatus: 422 }).status,
    ).toBe(500);
    const own = new SoapFault("Client", "x", { status: 418 });
    expect(soapFaultResponse("1.2", own, { clientFaultStatus: 422 }).status).toBe(418);
    expect(soapFaultResponse("1.2", own, { status: 404 }).status).toBe(404);
    expect(soapFaultResponse("1.1", new SoapFault("Server", "x"), { status: 405 }).status).toBe(
      405,
    );
  });

  it("puts the given header blocks into the fault's envelope", () => {
    const headers = addressingReplyHeaders("urn:fault-action", "urn:uuid:1");
    const r = soapFaultResponse("1.2", new SoapFault("Client", "x"), { headers });
    const { envelope, fault } = read("1.2", r.body as Uint8Array);
    expect(readAddressingHeaders(envelope.headers)).toMatchObject({
      action: "urn:fault-action",
      relatesTo: "urn:uuid:1",
    });
    expect(fault?.faultCode).toBe("Sender");
    const without = soapFaultResponse("1.2", new SoapFault("Client", "x"));
    expect(read("1.2", without.body as Uint8Array).envelope.headers).toEqual([]);
  });
});
