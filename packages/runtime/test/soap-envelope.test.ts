import { describe, expect, it } from "vitest";
import {
  buildEnvelope,
  envelopeNamespace,
  faultHttpStatus,
  faultXml,
  parseEnvelope,
  readFault,
  SOAP11_NS,
  SOAP12_NS,
  SoapFault,
  type SoapFaultCode,
  SoapFaultError,
  type SoapVersion,
  soapContentType,
} from "../src/soap/envelope.js";
import { XmlError } from "../src/xml/parse.js";

const WST = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
const versions: SoapVersion[] = ["1.1", "1.2"];

function soapFault(fn: () => unknown): SoapFault {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SoapFault);
    return e as SoapFault;
  }
  throw new Error("expected a SoapFault");
}

describe("buildEnvelope and parseEnvelope", () => {
  it.each(versions)(
    "SOAP %s: builds an envelope that parses back to its header blocks and body",
    (v) => {
      const text = buildEnvelope(v, '<m:Ping xmlns:m="urn:m">hi</m:Ping>', [
        '<h:A xmlns:h="urn:h">1</h:A>',
        '<h:B xmlns:h="urn:h"/>',
      ]);
      expect(text).toBe(
        `<s:Envelope xmlns:s="${envelopeNamespace(v)}"><s:Header><h:A xmlns:h="urn:h">1</h:A><h:B xmlns:h="urn:h"/></s:Header><s:Body><m:Ping xmlns:m="urn:m">hi</m:Ping></s:Body></s:Envelope>`,
      );
      const env = parseEnvelope(text, v);
      expect(env.version).toBe(v);
      expect(env.envelope.localName).toBe("Envelope");
      expect(env.envelope.namespaceURI).toBe(v === "1.1" ? SOAP11_NS : SOAP12_NS);
      expect(env.headers.map((h) => h.localName)).toEqual(["A", "B"]);
      expect(env.body.localName).toBe("Ping");
      expect(env.body.namespaceURI).toBe("urn:m");
      expect(env.body.textContent).toBe("hi");
    },
  );

  it("leaves out an empty header and takes another prefix", () => {
    const text = buildEnvelope("1.2", "<x/>", [], "env");
    expect(text).toBe(
      `<env:Envelope xmlns:env="${SOAP12_NS}"><env:Body><x/></env:Body></env:Envelope>`,
    );
    const env = parseEnvelope(text, "1.2");
    expect(env.headers).toEqual([]);
    expect(env.body.localName).toBe("x");
  });

  it("reads an envelope with whitespace, comments, an XML declaration and a default namespace", () => {
    const text = `<?xml version="1.0" encoding="utf-8"?>
      <Envelope xmlns="${SOAP11_NS}">
        <!-- note -->
        <Header/>
        <Body>
          <Op xmlns="urn:op"/>
        </Body>
      </Envelope>`;
    const env = parseEnvelope(text, "1.1");
    expect(env.headers).toEqual([]);
    expect(env.body.namespaceURI).toBe("urn:op");
  });

  it.each([
    ["1.1", SOAP12_NS],
    ["1.2", SOAP11_NS],
  ] as const)("SOAP %s: an envelope of the other version is a VersionMismatch", (v, other) => {
    const f = soapFault(() =>
      parseEnvelope(`<e:Envelope xmlns:e="${other}"><e:Body><x/></e:Body></e:Envelope>`, v),
    );
    expect(f.faultCode).toBe("VersionMismatch");
    expect(f.message).toContain(`SOAP ${v}`);
  });

  it.each([
    ["a root that is no envelope", "<Envelope><Body><x/></Body></Envelope>"],
    [
      "an envelope in a foreign namespace",
      '<s:Envelope xmlns:s="urn:x"><s:Body><x/></s:Body></s:Envelope>',
    ],
    [
      "an envelope named otherwise",
      `<s:Envelop xmlns:s="${SOAP11_NS}"><s:Body><x/></s:Body></s:Envelop>`,
    ],
  ])("refuses %s as a Client fault", (_, text) => {
    const f = soapFault(() => parseEnvelope(text, "1.1"));
    expect(f.faultCode).toBe("Client");
    expect(f.message).toBe("The message is not a SOAP 1.1 envelope.");
  });

  const s = `xmlns:s="${SOAP11_NS}"`;
  it.each([
    ["no body", `<s:Envelope ${s}><s:Header/></s:Envelope>`, "optional Header and then a Body"],
    ["an empty envelope", `<s:Envelope ${s}/>`, "optional Header and then a Body"],
    [
      "the body before the header",
      `<s:Envelope ${s}><s:Body><x/></s:Body><s:Header/></s:Envelope>`,
      "optional Header and then a Body",
    ],
    [
      "two bodies",
      `<s:Envelope ${s}><s:Body><x/></s:Body><s:Body><x/></s:Body></s:Envelope>`,
      "optional Header and then a Body",
    ],
    [
      "two headers",
      `<s:Envelope ${s}><s:Header/><s:Header/><s:Body><x/></s:Body></s:Envelope>`,
      "optional Header and then a Body",
    ],
    [
      "an element after the body",
      `<s:Envelope ${s}><s:Body><x/></s:Body><y/></s:Envelope>`,
      "optional Header and then a Body",
    ],
    [
      "a body in another namespace",
      `<s:Envelope ${s}><Body><x/></Body></s:Envelope>`,
      "optional Header and then a Body",
    ],
    ["an empty body", `<s:Envelope ${s}><s:Body/></s:Envelope>`, "exactly one element"],
    [
      "a body with text only",
      `<s:Envelope ${s}><s:Body>text</s:Body></s:Envelope>`,
      "exactly one element",
    ],
    [
      "a body with two elements",
      `<s:Envelope ${s}><s:Body><x/><y/></s:Body></s:Envelope>`,
      "exactly one element",
    ],
  ])("refuses %s", (_, text, message) => {
    const f = soapFault(() => parseEnvelope(text, "1.1"));
    expect(f.faultCode).toBe("Client");
    expect(f.message).toContain(message);
    expect(f.cause).toBeUndefined();
  });

  it("turns XML it cannot read into a Client fault with the XmlError as cause", () => {
    const malformed = soapFault(() => parseEnvelope(`<s:Envelope ${s}><s:Body>`, "1.1"));
    expect(malformed.faultCode).toBe("Client");
    expect(malformed.cause).toBeInstanceOf(XmlError);
    expect((malformed.cause as XmlError).reason).toBe("malformed");

    const forbidden = soapFault(() =>
      parseEnvelope(
        `<!DOCTYPE s [<!ENTITY e "x">]><s:Envelope ${s}><s:Body><x>&e;</x></s:Body></s:Envelope>`,
        "1.1",
      ),
    );
    expect((forbidden.cause as XmlError).reason).toBe("forbidden");
  });

  it("parses within the given limits: over one, a Client fault caused by an XmlError limit", () => {
    const deep = `<s:Envelope ${s}><s:Body>${"<d>".repeat(10)}${"</d>".repeat(10)}</s:Body></s:Envelope>`;
    expect(parseEnvelope(deep, "1.1", { maxDepth: 12 }).body.localName).toBe("d");
    const f = soapFault(() => parseEnvelope(deep, "1.1", { maxDepth: 11 }));
    expect(f.faultCode).toBe("Client");
    expect(f.cause).toBeInstanceOf(XmlError);
    expect((f.cause as XmlError).reason).toBe("limit");
    expect((f.cause as XmlError).limit).toBe("maxDepth");
    expect(f.message).toContain("maxDepth");

    const many = `<s:Envelope ${s}><s:Body><x>${"<y/>".repeat(50)}</x></s:Body></s:Envelope>`;
    const g = soapFault(() => parseEnvelope(many, "1.1", { maxElements: 20 }));
    expect((g.cause as XmlError).limit).toBe("maxElements");
  });

  it("applies the default limits when none are given", () => {
    const deep = `<s:Envelope ${s}><s:Body>${"<d>".repeat(100)}${"</d>".repeat(100)}</s:Body></s:Envelope>`;
    const f = soapFault(() => parseEnvelope(deep, "1.1"));
    expect((f.cause as XmlError).limit).toBe("maxDepth");
  });
});

describe("faults", () => {
  it("SOAP 1.1: writes faultcode and faultstring and reads them back", () => {
    const xml = faultXml("1.1", new SoapFault("Client", "Bad <input> & more"));
    expect(xml).toBe(
      '<s:Fault><faultcode>s:Client</faultcode><faultstring xml:lang="en">Bad &lt;input&gt; &amp; more</faultstring></s:Fault>',
    );
    const env = parseEnvelope(buildEnvelope("1.1", xml), "1.1");
    expect(readFault(env)).toEqual({
      faultCode: "Client",
      faultCodeName: { ns: SOAP11_NS, local: "Client" },
      reason: "Bad <input> & more",
    });
  });

  it("SOAP 1.1: a namespace-qualified code is read as the subcode", () => {
    const fault = new SoapFault("Client", "Authentication failed", {
      subcode: { ns: WST, local: "FailedAuthentication" },
    });
    const xml = faultXml("1.1", fault);
    expect(xml).toContain("<faultcode>q:FailedAuthentication</faultcode>");
    expect(xml).toContain(`xmlns:q="${WST}"`);
    const read = readFault(parseEnvelope(buildEnvelope("1.1", xml), "1.1"));
    expect(read).toEqual({
      faultCode: "FailedAuthentication",
      faultCodeName: { ns: WST, local: "FailedAuthentication" },
      subcode: { ns: WST, local: "FailedAuthentication" },
      reason: "Authentication failed",
    });
  });

  it("SOAP 1.1: a subcode without a namespace is appended to the code", () => {
    const xml = faultXml(
      "1.1",
      new SoapFault("Client", "No such action", {
        subcode: { ns: null, local: "ActionNotSupported" },
      }),
    );
    expect(xml).toContain("<faultcode>s:Client.ActionNotSupported</faultcode>");
    const read = readFault(parseEnvelope(buildEnvelope("1.1", xml), "1.1"))!;
    expect(read.faultCode).toBe("Client.ActionNotSupported");
    expect(read.subcode).toBeUndefined();
  });

  it("SOAP 1.1: reads a fault as other servers write it (prefix declared on the envelope, unprefixed code)", () => {
    const text = `<soap:Envelope xmlns:soap="${SOAP11_NS}" xmlns:a="${WST}"><soap:Body><soap:Fault><faultcode>a:InvalidRequest</faultcode><faultstring>  The request was invalid  </faultstring><detail><x/></detail></soap:Fault></soap:Body></soap:Envelope>`;
    expect(readFault(parseEnvelope(text, "1.1"))).toEqual({
      faultCode: "InvalidRequest",
      faultCodeName: { ns: WST, local: "InvalidRequest" },
      subcode: { ns: WST, local: "InvalidRequest" },
      reason: "The request was invalid",
      detail: "<x/>",
    });
    const plain = `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Body><s:Fault><faultcode>Server</faultcode><faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>`;
    expect(readFault(parseEnvelope(plain, "1.1"))).toEqual({ faultCode: "Server", reason: "x" });
    const unbound = `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Body><s:Fault><faultcode>zz:Oops</faultcode><faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>`;
    expect(readFault(parseEnvelope(unbound, "1.1"))).toEqual({ faultCode: "Oops", reason: "x" });
  });

  it("SOAP 1.2: writes Code/Value with Sender and Receiver, and reads them back", () => {
    const sender = faultXml("1.2", new SoapFault("Client", "bad"));
    expect(sender).toBe(
      '<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text xml:lang="en">bad</s:Text></s:Reason></s:Fault>',
    );
    expect(readFault(parseEnvelope(buildEnvelope("1.2", sender), "1.2"))).toEqual({
      faultCode: "Sender",
      faultCodeName: { ns: SOAP12_NS, local: "Sender" },
      reason: "bad",
    });
    const receiver = faultXml("1.2", new SoapFault("Server", "broke"));
    expect(readFault(parseEnvelope(buildEnvelope("1.2", receiver), "1.2"))!.faultCode).toBe(
      "Receiver",
    );
  });

  it("SOAP 1.2: a subcode travels in Code/Subcode/Value, with or without a namespace", () => {
    const xml = faultXml(
      "1.2",
      new SoapFault("Client", "Authentication failed", {
        subcode: { ns: WST, local: "FailedAuthentication" },
      }),
    );
    expect(xml).toContain(
      `<s:Subcode><s:Value xmlns:q="${WST}">q:FailedAuthentication</s:Value></s:Subcode>`,
    );
    expect(readFault(parseEnvelope(buildEnvelope("1.2", xml), "1.2"))).toEqual({
      faultCode: "Sender",
      faultCodeName: { ns: SOAP12_NS, local: "Sender" },
      subcode: { ns: WST, local: "FailedAuthentication" },
      reason: "Authentication failed",
    });
    const local = faultXml(
      "1.2",
      new SoapFault("Client", "x", { subcode: { ns: null, local: "ActionNotSupported" } }),
    );
    expect(readFault(parseEnvelope(buildEnvelope("1.2", local), "1.2"))!.subcode).toEqual({
      ns: null,
      local: "ActionNotSupported",
    });
  });

  it("SOAP 1.2: reads a fault as other servers write it", () => {
    const text = `<env:Envelope xmlns:env="${SOAP12_NS}"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value xmlns:t="${WST}">t:InvalidRequest</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">first</env:Text><env:Text xml:lang="ru">второй</env:Text></env:Reason><env:Detail/></env:Fault></env:Body></env:Envelope>`;
    expect(readFault(parseEnvelope(text, "1.2"))).toEqual({
      faultCode: "Sender",
      faultCodeName: { ns: SOAP12_NS, local: "Sender" },
      subcode: { ns: WST, local: "InvalidRequest" },
      reason: "first",
    });
  });

  it("reads the detail's elements as XML text, in both versions, namespaces declared", () => {
    const ns = "urn:example:faults";
    const detail = `<f:Problem xmlns:f="${ns}"><f:Code>invalid_pin</f:Code></f:Problem>`;
    for (const version of versions) {
      const xml = faultXml(version, new SoapFault("Client", "bad", { detail }));
      const read = readFault(parseEnvelope(buildEnvelope(version, xml), version))!;
      expect(read.detail, version).toBe(detail);
      const error = new SoapFaultError({ operationId: "op", status: 500, ...read });
      expect(error.detail).toBe(detail);
    }
    // Prefixes declared on the envelope stay declared in the detail's text.
    const text = `<s:Envelope xmlns:s="${SOAP12_NS}" xmlns:f="${ns}"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code><s:Reason><s:Text xml:lang="en">x</s:Text></s:Reason><s:Detail><f:Problem>p</f:Problem></s:Detail></s:Fault></s:Body></s:Envelope>`;
    expect(readFault(parseEnvelope(text, "1.2"))!.detail).toBe(
      `<f:Problem xmlns:f="${ns}">p</f:Problem>`,
    );
    // An empty detail is none.
    const empty = faultXml("1.2", new SoapFault("Client", "bad"));
    expect(readFault(parseEnvelope(buildEnvelope("1.2", empty), "1.2"))!.detail).toBeUndefined();
  });

  it("returns undefined for a body that is not a fault, or a fault of the other version", () => {
    expect(readFault(parseEnvelope(buildEnvelope("1.1", "<x/>"), "1.1"))).toBeUndefined();
    const other = `<s:Envelope xmlns:s="${SOAP11_NS}" xmlns:t="${SOAP12_NS}"><s:Body><t:Fault/></s:Body></s:Envelope>`;
    expect(readFault(parseEnvelope(other, "1.1"))).toBeUndefined();
  });

  const codes: SoapFaultCode[] = ["Client", "Server", "VersionMismatch", "MustUnderstand"];
  const names12: Record<SoapFaultCode, string> = {
    Client: "Sender",
    Server: "Receiver",
    VersionMismatch: "VersionMismatch",
    MustUnderstand: "MustUnderstand",
  };
  for (const v of versions) {
    it.each(codes)(`SOAP ${v}: faultXml and readFault agree on %s`, (code) => {
      const reason = `reason of ${code}: <tag> & "quote"\ttab`;
      const env = parseEnvelope(buildEnvelope(v, faultXml(v, new SoapFault(code, reason))), v);
      const read = readFault(env)!;
      expect(read.faultCode).toBe(v === "1.1" ? code : names12[code]);
      expect(read.faultCodeName).toEqual({
        ns: envelopeNamespace(v),
        local: v === "1.1" ? code : names12[code],
      });
      expect(read.reason).toBe(reason);
    });
  }

  it("keeps the cause of a SoapFault and names itself", () => {
    const cause = new Error("inner");
    const f = new SoapFault("Server", "outer", { cause, status: 503 });
    expect(f.name).toBe("SoapFault");
    expect(f.cause).toBe(cause);
    expect(f.status).toBe(503);
    expect(new SoapFault("Server", "x").cause).toBeUndefined();
  });

  it("builds a SoapFaultError message from the code, subcode and a bounded reason", () => {
    const e = new SoapFaultError({
      operationId: "Op",
      status: 500,
      faultCode: "Sender",
      subcode: { ns: WST, local: "FailedAuthentication" },
      reason: "r".repeat(1000),
    });
    expect(e.code).toBe("soap_fault");
    expect(e.message.startsWith("Op: SOAP fault Sender (FailedAuthentication): rrr")).toBe(true);
    expect(e.message.length).toBeLessThan(400);
    expect(e.reason).toHaveLength(1000);
  });
});

describe("faultHttpStatus", () => {
  const table: [SoapVersion, SoapFaultCode, number][] = [
    ["1.1", "Client", 500],
    ["1.1", "Server", 500],
    ["1.1", "VersionMismatch", 500],
    ["1.1", "MustUnderstand", 500],
    ["1.2", "Client", 400],
    ["1.2", "Server", 500],
    ["1.2", "VersionMismatch", 500],
    ["1.2", "MustUnderstand", 500],
  ];

  it.each(table)("SOAP %s %s → %i", (v, code, status) => {
    expect(faultHttpStatus(v, new SoapFault(code, "x"))).toBe(status);
  });

  it.each(table)("SOAP %s %s with clientFaultStatus 422", (v, code, status) => {
    expect(faultHttpStatus(v, new SoapFault(code, "x"), 422)).toBe(
      code === "Client" ? 422 : status,
    );
  });

  it.each(table)("SOAP %s %s with its own status 418 (and clientFaultStatus 422)", (v, code) => {
    expect(faultHttpStatus(v, new SoapFault(code, "x", { status: 418 }))).toBe(418);
    expect(faultHttpStatus(v, new SoapFault(code, "x", { status: 418 }), 422)).toBe(418);
  });
});

describe("soapContentType", () => {
  it("names the media type of each version and the SOAP 1.2 action parameter", () => {
    expect(soapContentType("1.1")).toBe("text/xml; charset=utf-8");
    expect(soapContentType("1.1", "urn:a")).toBe("text/xml; charset=utf-8");
    expect(soapContentType("1.2")).toBe("application/soap+xml; charset=utf-8");
    expect(soapContentType("1.2", "urn:a")).toBe(
      'application/soap+xml; charset=utf-8; action="urn:a"',
    );
  });
});
