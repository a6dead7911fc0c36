import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RawRequest, type RawResponse } from "../src/server.js";
import {
  createSoapEndpoint,
  type SoapEndpointOperation,
  type SoapEndpointOptions,
  type SoapRequest,
} from "../src/soap/endpoint.js";
import {
  buildEnvelope,
  envelopeNamespace,
  parseEnvelope,
  readFault,
  SOAP11_NS,
  SOAP12_NS,
  SoapFault,
  type SoapVersion,
} from "../src/soap/envelope.js";
import { requestBaseUrl, servedWsdl, wsdlTemplate } from "../src/soap/wsdl.js";
import { parseXml } from "../src/xml/parse.js";

const NS = "urn:test:calc";
const WSA = "http://www.w3.org/2005/08/addressing";
const ACTION = { add: `${NS}/Add`, fail: `${NS}/Fail`, refuse: `${NS}/Refuse` };
const versions: SoapVersion[] = ["1.1", "1.2"];
const encoder = new TextEncoder();

function operations(calls: SoapRequest[]): SoapEndpointOperation[] {
  return [
    {
      name: "Add",
      action: ACTION.add,
      element: { ns: NS, local: "Add" },
      handle(req) {
        calls.push(req);
        const nums = [...req.envelope.body.getElementsByTagNameNS(NS, "n")].map((n) =>
          Number(n.textContent),
        );
        return {
          body: `<AddResponse xmlns="${NS}"><sum>${nums.reduce((a, b) => a + b, 0)}</sum></AddResponse>`,
          headers: [`<a:Action xmlns:a="${WSA}">${NS}/AddResponse</a:Action>`],
        };
      },
    },
    {
      name: "Fail",
      action: ACTION.fail,
      element: { ns: NS, local: "Fail" },
      handle() {
        throw new Error("database password=hunter2 at 10.0.0.7");
      },
    },
    {
      name: "Refuse",
      action: ACTION.refuse,
      element: { ns: NS, local: "Refuse" },
      async handle() {
        throw new SoapFault("Client", "Refused by the handler.");
      },
    },
  ];
}

function endpoint(version: SoapVersion, more: Partial<SoapEndpointOptions> = {}) {
  const calls: SoapRequest[] = [];
  const faults: SoapFault[] = [];
  const router = createSoapEndpoint({
    version,
    operations: operations(calls),
    onFault: (f) => faults.push(f),
    ...more,
  });
  return { router, calls, faults };
}

const add = (...n: number[]) => `<Add xmlns="${NS}">${n.map((x) => `<n>${x}</n>`).join("")}</Add>`;

function post(
  version: SoapVersion,
  text: string,
  opts: { action?: string; headers?: Record<string, string>; url?: string } = {},
): RawRequest {
  const headers: Record<string, string> = {
    "content-type":
      version === "1.1"
        ? "text/xml; charset=utf-8"
        : `application/soap+xml; charset=utf-8${opts.action !== undefined ? `; action="${opts.action}"` : ""}`,
    host: "example.test",
  };
  if (version === "1.1" && opts.action !== undefined) headers.soapaction = `"${opts.action}"`;
  return {
    method: "POST",
    url: opts.url ?? "/svc",
    headers: { ...headers, ...opts.headers },
    body: encoder.encode(text),
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  fault: ReturnType<typeof readFault>;
  body?: string;
}

function answer(out: RawResponse, version: SoapVersion): Answer {
  const text = new TextDecoder().decode(out.body);
  const env = parseEnvelope(text, version);
  return {
    status: out.status,
    headers: out.headers,
    text,
    fault: readFault(env),
    body: env.body.localName ?? undefined,
  };
}

async function call(
  router: ReturnType<typeof endpoint>["router"],
  version: SoapVersion,
  request: RawRequest,
): Promise<Answer> {
  return answer(await router.handle(request), version);
}

const sender = (v: SoapVersion) => (v === "1.1" ? "Client" : "Sender");
const receiver = (v: SoapVersion) => (v === "1.1" ? "Server" : "Receiver");

describe("SOAP endpoint: answers and the HTTP status of each fault", () => {
  for (const v of versions) {
    describe(`SOAP ${v}`, () => {
      const clientStatus = v === "1.1" ? 500 : 400;

      it("answers an operation with 200 and an envelope of its version", async () => {
        const { router, calls } = endpoint(v);
        const out = await call(
          router,
          v,
          post(v, buildEnvelope(v, add(2, 3)), { action: ACTION.add }),
        );
        expect(out.status).toBe(200);
        expect(out.fault).toBeUndefined();
        expect(out.headers["content-type"]).toBe(
          v === "1.1" ? "text/xml; charset=utf-8" : "application/soap+xml; charset=utf-8",
        );
        expect(out.text).toContain(`<sum>5</sum>`);
        expect(out.text).toContain(`${NS}/AddResponse</a:Action>`);
        expect(out.text.startsWith(`<s:Envelope xmlns:s="${envelopeNamespace(v)}">`)).toBe(true);
        expect(calls).toHaveLength(1);
        expect(calls[0]!.action).toBe(ACTION.add);
        expect(calls[0]!.envelope.version).toBe(v);
        expect(calls[0]!.raw.url).toBe("/svc");
      });

      it(`a malformed envelope: Client fault, ${clientStatus}`, async () => {
        const { router, faults } = endpoint(v);
        const out = await call(router, v, post(v, "<s:Envelope", { action: ACTION.add }));
        expect(out.status).toBe(clientStatus);
        expect(out.fault!.faultCode).toBe(sender(v));
        expect(out.fault!.reason).toContain("not well-formed");
        expect(faults.map((f) => f.faultCode)).toEqual(["Client"]);
      });

      it(`a fault the handler throws: Client, ${clientStatus}`, async () => {
        const { router } = endpoint(v);
        const out = await call(
          router,
          v,
          post(v, buildEnvelope(v, `<Refuse xmlns="${NS}"/>`), { action: ACTION.refuse }),
        );
        expect(out.status).toBe(clientStatus);
        expect(out.fault).toMatchObject({
          faultCode: sender(v),
          reason: "Refused by the handler.",
        });
      });

      it("a handler that fails: Server (Receiver) fault, 500, no detail of the error", async () => {
        const { router, faults } = endpoint(v);
        const out = await call(
          router,
          v,
          post(v, buildEnvelope(v, `<Fail xmlns="${NS}"/>`), { action: ACTION.fail }),
        );
        expect(out.status).toBe(500);
        expect(out.fault).toMatchObject({
          faultCode: receiver(v),
          reason: "Fail failed inside the server.",
        });
        expect(out.text).not.toContain("hunter2");
        expect(faults[0]!.faultCode).toBe("Server");
      });

      it("an envelope of the other version: VersionMismatch, 500", async () => {
        const { router } = endpoint(v);
        const other: SoapVersion = v === "1.1" ? "1.2" : "1.1";
        const out = await call(
          router,
          v,
          post(v, buildEnvelope(other, add(1)), { action: ACTION.add }),
        );
        expect(out.status).toBe(500);
        expect(out.fault!.faultCode).toBe("VersionMismatch");
        expect(out.fault!.faultCodeName).toEqual({
          ns: envelopeNamespace(v),
          local: "VersionMismatch",
        });
      });

      it("a header block it does not understand, marked mustUnderstand: MustUnderstand, 500", async () => {
        const { router, calls } = endpoint(v);
        const mu = v === "1.1" ? "1" : "true";
        const header = `<x:Secret xmlns:x="urn:x" xmlns:e="${envelopeNamespace(v)}" e:mustUnderstand="${mu}">k</x:Secret>`;
        const out = await call(
          router,
          v,
          post(v, buildEnvelope(v, add(1), [header]), { action: ACTION.add }),
        );
        expect(out.status).toBe(500);
        expect(out.fault!.faultCode).toBe("MustUnderstand");
        expect(out.fault!.reason).toBe("The header {urn:x}Secret is not understood.");
        expect(calls).toHaveLength(0);
      });

      it("accepts header blocks it understands, unmarked ones, and WS-Addressing ones", async () => {
        const e = envelopeNamespace(v);
        const { router, calls } = endpoint(v, {
          understoodHeaders: [{ ns: "urn:x", local: "Secret" }],
        });
        const headers = [
          `<x:Secret xmlns:x="urn:x" xmlns:e="${e}" e:mustUnderstand="1">k</x:Secret>`,
          `<y:Other xmlns:y="urn:y" xmlns:e="${e}" e:mustUnderstand="0"/>`,
          `<y:Plain xmlns:y="urn:y"/>`,
          `<a:Action xmlns:a="${WSA}" xmlns:e="${e}" e:mustUnderstand="1">${ACTION.add}</a:Action>`,
          `<a:To xmlns:a="${WSA}" xmlns:e="${e}" e:mustUnderstand="1">http://example.test/svc</a:To>`,
        ];
        const out = await call(
          router,
          v,
          post(v, buildEnvelope(v, add(4), headers), { action: ACTION.add }),
        );
        expect(out.status).toBe(200);
        expect(calls[0]!.envelope.headers.map((h) => h.localName)).toEqual([
          "Secret",
          "Other",
          "Plain",
          "Action",
          "To",
        ]);
      });

      it("clientFaultStatus changes Client faults only", async () => {
        const { router } = endpoint(v, { clientFaultStatus: 422 });
        const bad = await call(router, v, post(v, "<oops", { action: ACTION.add }));
        expect(bad.status).toBe(422);
        const failed = await call(
          router,
          v,
          post(v, buildEnvelope(v, `<Fail xmlns="${NS}"/>`), { action: ACTION.fail }),
        );
        expect(failed.status).toBe(500);
        const mismatch = await call(
          router,
          v,
          post(v, buildEnvelope(v === "1.1" ? "1.2" : "1.1", add(1)), { action: ACTION.add }),
        );
        expect(mismatch.status).toBe(500);
      });

      it("a fault with its own status keeps it", async () => {
        const { router } = endpoint(v, {
          operations: [
            {
              name: "Busy",
              action: "urn:busy",
              element: { ns: NS, local: "Busy" },
              handle() {
                throw new SoapFault("Server", "Try later.", { status: 503 });
              },
            },
          ],
        });
        const out = await call(
          router,
          v,
          post(v, buildEnvelope(v, `<Busy xmlns="${NS}"/>`), { action: "urn:busy" }),
        );
        expect(out.status).toBe(503);
        expect(out.fault!.reason).toBe("Try later.");
      });

      it("lets a handler choose the status of its answer", async () => {
        const { router } = endpoint(v, {
          operations: [
            {
              name: "OneWay",
              element: { ns: NS, local: "OneWay" },
              handle: () => ({ body: `<Ack xmlns="${NS}"/>`, status: 202 }),
            },
          ],
        });
        const out = await call(router, v, post(v, buildEnvelope(v, `<OneWay xmlns="${NS}"/>`)));
        expect(out.status).toBe(202);
        expect(out.body).toBe("Ack");
      });

      it("keeps the answer when the onFault hook throws", async () => {
        const { router } = endpoint(v, {
          onFault() {
            throw new Error("log sink down");
          },
        });
        const out = await call(router, v, post(v, "<oops", { action: ACTION.add }));
        expect(out.status).toBe(clientStatus);
        expect(out.fault!.faultCode).toBe(sender(v));
      });
    });
  }
});

describe("SOAP endpoint: transport refusals keep their HTTP status", () => {
  for (const v of versions) {
    it(`SOAP ${v}: 405 with Allow for another method`, async () => {
      for (const clientFaultStatus of [undefined, 422]) {
        const { router } = endpoint(v, clientFaultStatus ? { clientFaultStatus } : {});
        const out = await call(router, v, {
          method: "GET",
          url: "/svc",
          headers: {},
          body: new Uint8Array(0),
        });
        expect(out.status).toBe(405);
        expect(out.headers.allow).toBe("POST");
        expect(out.fault!.faultCode).toBe(sender(v));
        const put = await call(router, v, { ...post(v, buildEnvelope(v, add(1))), method: "PUT" });
        expect(put.status).toBe(405);
      }
      const withWsdl = endpoint(v, { wsdl: "<definitions/>" }).router;
      const out = await withWsdl.handle({
        method: "DELETE",
        url: "/svc",
        headers: {},
        body: new Uint8Array(0),
      });
      expect(out.status).toBe(405);
      expect(out.headers.allow).toBe("GET, POST");
      // Without a WSDL, ?wsdl is no exception.
      const none = await endpoint(v).router.handle({
        method: "GET",
        url: "/svc?wsdl",
        headers: {},
        body: new Uint8Array(0),
      });
      expect(none.status).toBe(405);
    });

    it(`SOAP ${v}: 413 for a body over maxBodyBytes`, async () => {
      for (const clientFaultStatus of [undefined, 422]) {
        const { router, calls } = endpoint(v, {
          maxBodyBytes: 200,
          ...(clientFaultStatus ? { clientFaultStatus } : {}),
        });
        const small = buildEnvelope(v, add(1));
        expect(small.length).toBeLessThan(200);
        expect((await call(router, v, post(v, small, { action: ACTION.add }))).status).toBe(200);
        const big = buildEnvelope(v, add(...Array.from({ length: 50 }, (_, i) => i)));
        const out = await call(router, v, post(v, big, { action: ACTION.add }));
        expect(out.status).toBe(413);
        expect(out.fault!.reason).toBe("The request body exceeds 200 bytes.");
        expect(calls).toHaveLength(1);
      }
    });

    it(`SOAP ${v}: 415 for another media type or charset`, async () => {
      for (const clientFaultStatus of [undefined, 422]) {
        const { router } = endpoint(v, clientFaultStatus ? { clientFaultStatus } : {});
        const env = buildEnvelope(v, add(1));
        for (const type of [
          v === "1.1" ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8",
          "application/json",
          `${v === "1.1" ? "text/xml" : "application/soap+xml"}; charset=iso-8859-1`,
        ]) {
          const out = await call(
            router,
            v,
            post(v, env, { action: ACTION.add, headers: { "content-type": type } }),
          );
          expect(out.status).toBe(415);
          expect(out.fault!.faultCode).toBe(sender(v));
        }
        const none = post(v, env, { action: ACTION.add });
        const { "content-type": _, ...rest } = none.headers;
        expect((await router.handle({ ...none, headers: rest })).status).toBe(415);
      }
    });

    it(`SOAP ${v}: a body that is not UTF-8 is a Client fault`, async () => {
      const { router } = endpoint(v);
      const request = post(v, "", { action: ACTION.add });
      const out = await call(router, v, {
        ...request,
        body: new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]),
      });
      expect(out.status).toBe(v === "1.1" ? 500 : 400);
      expect(out.fault!.reason).toBe("The request body is not UTF-8.");
    });
  }

  it("accepts the media type case-insensitively and with a quoted charset", async () => {
    const { router } = endpoint("1.1");
    const out = await call(
      router,
      "1.1",
      post("1.1", buildEnvelope("1.1", add(1)), {
        action: ACTION.add,
        headers: { "content-type": 'Text/XML; Charset="UTF-8"' },
      }),
    );
    expect(out.status).toBe(200);
  });
});

describe("SOAP endpoint: routing", () => {
  it("SOAP 1.1: by SOAPAction, quoted or not", async () => {
    const { router, calls } = endpoint("1.1");
    const env = buildEnvelope("1.1", add(1, 1));
    expect((await call(router, "1.1", post("1.1", env, { action: ACTION.add }))).status).toBe(200);
    const bare = post("1.1", env, { headers: { soapaction: ACTION.add } });
    expect((await call(router, "1.1", bare)).status).toBe(200);
    expect(calls.map((c) => c.action)).toEqual([ACTION.add, ACTION.add]);
  });

  it("SOAP 1.1: SOAPAction wins over the body element", async () => {
    const { router } = endpoint("1.1");
    const out = await call(
      router,
      "1.1",
      post("1.1", buildEnvelope("1.1", add(1)), { action: ACTION.fail }),
    );
    expect(out.fault!.reason).toBe(`Fail expects the element {${NS}}Fail in the body.`);
  });

  it("SOAP 1.1: an unknown SOAPAction is ActionNotSupported", async () => {
    const { router } = endpoint("1.1");
    const out = await call(
      router,
      "1.1",
      post("1.1", buildEnvelope("1.1", add(1)), { action: "urn:nope" }),
    );
    expect(out.status).toBe(500);
    expect(out.fault!.faultCode).toBe("Client.ActionNotSupported");
    expect(out.fault!.reason).toBe('The action "urn:nope" is not supported by this service.');
  });

  it("SOAP 1.1: without SOAPAction, by wsa:Action, and a fault when there is neither", async () => {
    const { router, calls } = endpoint("1.1");
    const wsa = `<a:Action xmlns:a="${WSA}"> ${ACTION.add} </a:Action>`;
    const out = await call(router, "1.1", post("1.1", buildEnvelope("1.1", add(2), [wsa])));
    expect(out.status).toBe(200);
    expect(calls[0]!.action).toBe(ACTION.add);
    const old = `<a:Action xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">${ACTION.add}</a:Action>`;
    expect(
      (await call(router, "1.1", post("1.1", buildEnvelope("1.1", add(2), [old])))).status,
    ).toBe(200);

    const neither = await call(router, "1.1", post("1.1", buildEnvelope("1.1", add(2))));
    expect(neither.status).toBe(500);
    expect(neither.fault!.reason).toBe("The SOAPAction header is required.");
  });

  it('SOAP 1.1: an empty SOAPAction ("") routes by the body element', async () => {
    const { router, calls } = endpoint("1.1");
    const out = await call(
      router,
      "1.1",
      post("1.1", buildEnvelope("1.1", add(5)), { action: "" }),
    );
    expect(out.status).toBe(200);
    expect(out.text).toContain("<sum>5</sum>");
    expect(calls[0]!.action).toBe("");
    const unknown = await call(
      router,
      "1.1",
      post("1.1", buildEnvelope("1.1", "<Nope/>"), { action: "" }),
    );
    expect(unknown.fault!.reason).toBe("The body element matches no operation of this service.");
  });

  it("SOAP 1.2: by the action parameter of the media type", async () => {
    const { router, calls } = endpoint("1.2");
    const out = await call(
      router,
      "1.2",
      post("1.2", buildEnvelope("1.2", add(1, 2)), { action: ACTION.add }),
    );
    expect(out.status).toBe(200);
    expect(calls[0]!.action).toBe(ACTION.add);
    const unquoted = post("1.2", buildEnvelope("1.2", add(1)), {
      headers: { "content-type": `application/soap+xml;charset=utf-8;action=${ACTION.add}` },
    });
    expect((await call(router, "1.2", unquoted)).status).toBe(200);
    const wrong = await call(
      router,
      "1.2",
      post("1.2", buildEnvelope("1.2", add(1)), { action: "urn:nope" }),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.fault!.subcode).toEqual({ ns: null, local: "ActionNotSupported" });
  });

  it("SOAP 1.2: by wsa:Action when the media type names none", async () => {
    const { router, calls } = endpoint("1.2");
    const wsa = `<a:Action xmlns:a="${WSA}">${ACTION.refuse}</a:Action>`;
    const out = await call(
      router,
      "1.2",
      post("1.2", buildEnvelope("1.2", `<Refuse xmlns="${NS}"/>`, [wsa])),
    );
    expect(out.status).toBe(400);
    expect(out.fault!.reason).toBe("Refused by the handler.");
    const addWsa = `<a:Action xmlns:a="${WSA}">${ACTION.add}</a:Action>`;
    expect(
      (await call(router, "1.2", post("1.2", buildEnvelope("1.2", add(1), [addWsa])))).status,
    ).toBe(200);
    expect(calls[0]!.action).toBe(ACTION.add);
  });

  it("SOAP 1.2: by the body element when no action is named", async () => {
    const { router, calls } = endpoint("1.2");
    const out = await call(router, "1.2", post("1.2", buildEnvelope("1.2", add(7, 8))));
    expect(out.status).toBe(200);
    expect(out.text).toContain("<sum>15</sum>");
    expect(calls[0]!.action).toBeUndefined();
    const none = await call(
      router,
      "1.2",
      post("1.2", buildEnvelope("1.2", `<Other xmlns="${NS}"/>`)),
    );
    expect(none.status).toBe(400);
    expect(none.fault!.reason).toBe("The body element matches no operation of this service.");
  });

  it("SOAP 1.1: by the body element when no operation has an action", async () => {
    const calls: string[] = [];
    const router = createSoapEndpoint({
      version: "1.1",
      operations: [
        {
          name: "A",
          element: { ns: NS, local: "A" },
          handle() {
            calls.push("A");
            return { body: "<ra/>" };
          },
        },
        {
          name: "B",
          element: { ns: NS, local: "B" },
          handle() {
            calls.push("B");
            return { body: "<rb/>" };
          },
        },
      ],
    });
    const out = await call(router, "1.1", post("1.1", buildEnvelope("1.1", `<B xmlns="${NS}"/>`)));
    expect(out.status).toBe(200);
    expect(out.body).toBe("rb");
    expect(calls).toEqual(["B"]);
  });
});

describe("SOAP endpoint: xmlLimits", () => {
  const deep = (n: number) => `<Add xmlns="${NS}">${"<x>".repeat(n)}${"</x>".repeat(n)}</Add>`;

  for (const v of versions) {
    it(`SOAP ${v}: a request over a custom limit gets a Client fault naming it`, async () => {
      const { router, calls } = endpoint(v, { xmlLimits: { maxDepth: 6 } });
      // Envelope, Body, Add: depth 3; three more levels are within the limit.
      const ok = await call(router, v, post(v, buildEnvelope(v, deep(3)), { action: ACTION.add }));
      expect(ok.status).toBe(200);
      const out = await call(router, v, post(v, buildEnvelope(v, deep(4)), { action: ACTION.add }));
      expect(out.status).toBe(v === "1.1" ? 500 : 400);
      expect(out.fault!.faultCode).toBe(sender(v));
      expect(out.fault!.reason).toContain("maxDepth");
      expect(out.fault!.reason).toContain("6");
      expect(calls).toHaveLength(1);
      // The default limits would have let it through.
      const defaults = endpoint(v).router;
      expect(
        (await defaults.handle(post(v, buildEnvelope(v, deep(4)), { action: ACTION.add }))).status,
      ).toBe(200);
    });
  }

  it("applies the other limits too", async () => {
    const elements = endpoint("1.2", { xmlLimits: { maxElements: 10 } }).router;
    const ten = await call(
      elements,
      "1.2",
      post("1.2", buildEnvelope("1.2", add(1, 2, 3, 4, 5, 6, 7)), { action: ACTION.add }),
    );
    expect(ten.status).toBe(200);
    const many = await call(
      elements,
      "1.2",
      post("1.2", buildEnvelope("1.2", add(1, 2, 3, 4, 5, 6, 7, 8)), { action: ACTION.add }),
    );
    expect(many.fault!.reason).toContain("maxElements");
    // The namespace URIs count as text too.
    const text = endpoint("1.2", { xmlLimits: { maxTextLength: 100 } }).router;
    const long = await call(
      text,
      "1.2",
      post("1.2", buildEnvelope("1.2", `<Add xmlns="${NS}"><n>${"1".repeat(100)}</n></Add>`), {
        action: ACTION.add,
      }),
    );
    expect(long.fault!.reason).toContain("maxTextLength");
  });

  it("refuses DTDs whatever the limits", async () => {
    const { router } = endpoint("1.1", { xmlLimits: { maxDepth: 100 } });
    const out = await call(
      router,
      "1.1",
      post("1.1", `<!DOCTYPE x [<!ENTITY e "e">]>${buildEnvelope("1.1", add(1))}`, {
        action: ACTION.add,
      }),
    );
    expect(out.status).toBe(500);
    expect(out.fault!.reason).toContain("document type");
  });
});

const WSDL = `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:s11="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:sp12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:wsa10="http://www.w3.org/2005/08/addressing" xmlns:other="urn:other" name="Calc">
  <wsdl:documentation>Design time: http://localhost:8733/Design_Time_Addresses/Calc/ &amp; more</wsdl:documentation>
  <wsdl:service name="Calc">
    <wsdl:port name="Soap11" binding="tns:Soap11">
      <s11:address location="http://localhost:8733/Design_Time_Addresses/Calc/"/>
    </wsdl:port>
    <wsdl:port name="Soap12" binding="tns:Soap12">
      <sp12:address location='http://localhost:8733/Design_Time_Addresses/Calc/12' />
      <wsa10:EndpointReference>
        <wsa10:Address>http://localhost:8733/Design_Time_Addresses/Calc/12</wsa10:Address>
        <wsa10:Metadata/>
      </wsa10:EndpointReference>
    </wsdl:port>
    <wsdl:port name="Other" binding="tns:Other">
      <other:address location="http://unchanged.test/other"/>
      <other:Address>http://unchanged.test/epr</other:Address>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>`;

/**
 * The WSDL with its three port addresses replaced: the service's URL for the port at
 * `…/Calc/`, that URL + `/12` for the two of the port at `…/Calc/12` (a relative endpoint
 * address keeps its place under the service).
 */
function rewritten(url: string, url12 = `${url}/12`): string {
  return WSDL.replace(
    'location="http://localhost:8733/Design_Time_Addresses/Calc/"',
    `location="${url}"`,
  )
    .replace(
      "location='http://localhost:8733/Design_Time_Addresses/Calc/12'",
      `location='${url12}'`,
    )
    .replace(
      "<wsa10:Address>http://localhost:8733/Design_Time_Addresses/Calc/12</wsa10:Address>",
      `<wsa10:Address>${url12}</wsa10:Address>`,
    );
}

function getWsdl(
  url: string,
  headers: Record<string, string>,
  scheme?: "http" | "https",
): RawRequest {
  return { method: "GET", url, headers, body: new Uint8Array(0), ...(scheme ? { scheme } : {}) };
}

function addresses(text: string): string[] {
  const doc = parseXml(text);
  const out: string[] = [];
  for (const ns of [
    "http://schemas.xmlsoap.org/wsdl/soap/",
    "http://schemas.xmlsoap.org/wsdl/soap12/",
  ])
    for (const a of doc.getElementsByTagNameNS(ns, "address"))
      out.push(a.getAttribute("location")!);
  for (const a of doc.getElementsByTagNameNS(WSA, "Address")) out.push(a.textContent!);
  return out;
}

describe("SOAP endpoint: ?wsdl", () => {
  it("serves the WSDL with its port addresses set to the request's URL, the rest unchanged", async () => {
    const { router } = endpoint("1.1", { wsdl: WSDL });
    const out = await router.handle(getWsdl("/svc?wsdl", { host: "example.test:8080" }));
    expect(out.status).toBe(200);
    expect(out.headers["content-type"]).toBe("text/xml; charset=utf-8");
    const text = new TextDecoder().decode(out.body);
    expect(text).toBe(rewritten("http://example.test:8080/svc"));
    expect(addresses(text)).toEqual([
      "http://example.test:8080/svc",
      "http://example.test:8080/svc/12",
      "http://example.test:8080/svc/12",
    ]);
    expect(text).toContain(
      "Design time: http://localhost:8733/Design_Time_Addresses/Calc/ &amp; more",
    );
    expect(text).toContain('<other:address location="http://unchanged.test/other"/>');
    expect(text).toContain("<other:Address>http://unchanged.test/epr</other:Address>");
  });

  it("uses https for a request that came over TLS, and takes ?WSDL in any case", async () => {
    const { router } = endpoint("1.2", { wsdl: WSDL });
    const out = await router.handle(
      getWsdl("/a/b/svc?WSDL", { host: "example.test:8443" }, "https"),
    );
    expect(new TextDecoder().decode(out.body)).toBe(rewritten("https://example.test:8443/a/b/svc"));
  });

  it.each([
    ["no Host header", {}],
    ["an empty Host", { host: "" }],
    ["a Host with a path", { host: "evil.test/x" }],
    ["a Host with markup", { host: 'evil.test"><x y="' }],
    ["a Host with a user", { host: "user@evil.test" }],
    ["a Host with a space", { host: "evil.test 8080" }],
  ])("serves the addresses as written for %s", async (_, headers) => {
    const { router } = endpoint("1.1", { wsdl: WSDL });
    const out = await router.handle(getWsdl("/svc?wsdl", headers));
    expect(out.status).toBe(200);
    expect(new TextDecoder().decode(out.body)).toBe(WSDL);
  });

  it("accepts an IPv6 host and escapes what the path holds", async () => {
    const { router } = endpoint("1.1", { wsdl: WSDL });
    const v6 = await router.handle(getWsdl("/svc?wsdl", { host: "[::1]:8080" }));
    expect(addresses(new TextDecoder().decode(v6.body))).toEqual([
      "http://[::1]:8080/svc",
      "http://[::1]:8080/svc/12",
      "http://[::1]:8080/svc/12",
    ]);
    const odd = await router.handle(getWsdl(`/s"v<c>&'x?wsdl`, { host: "example.test" }));
    const text = new TextDecoder().decode(odd.body);
    const at = `http://example.test/s"v<c>&'x`;
    expect(addresses(text)).toEqual([at, `${at}/12`, `${at}/12`]);
  });

  it("serves a WSDL without port addresses unchanged", async () => {
    const plain =
      '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"><address location="x"/></definitions>';
    const { router } = endpoint("1.1", { wsdl: plain });
    const out = await router.handle(getWsdl("/svc?wsdl", { host: "example.test" }));
    expect(new TextDecoder().decode(out.body)).toBe(plain);
  });

  it("requestBaseUrl and servedWsdl", () => {
    expect(requestBaseUrl(getWsdl("/svc?wsdl", { host: "h.test" }))).toBe("http://h.test/svc");
    expect(requestBaseUrl(getWsdl("svc", { host: "h.test:1" }, "https"))).toBe(
      "https://h.test:1/svc",
    );
    expect(requestBaseUrl(getWsdl("/svc", {}))).toBeUndefined();
    const template = wsdlTemplate(WSDL);
    expect(template.written).toEqual([
      "http://localhost:8733/Design_Time_Addresses/Calc/",
      "http://localhost:8733/Design_Time_Addresses/Calc/12",
      "http://localhost:8733/Design_Time_Addresses/Calc/12",
    ]);
    expect(template.places).toEqual([{ under: "" }, { under: "/12" }, { under: "/12" }]);
    expect(servedWsdl(template, getWsdl("/x", { host: "h.test" }))).toBe(
      rewritten("http://h.test/x"),
    );
  });

  it("keeps each port's place under the service whichever address the WSDL is fetched from", async () => {
    const two = `<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:s12="http://schemas.xmlsoap.org/wsdl/soap12/">
  <port name="cert"><s12:address location="https://vendor.test/STS/Users.svc/cert"/></port>
  <port name="token"><s12:address location="http://vendor.test/STS/Users.svc/token"/></port>
  <Policy><Issuer><wsa:Address xmlns:wsa="http://www.w3.org/2005/08/addressing">https://vendor.test/STS/Active.svc/x</wsa:Address></Issuer></Policy>
</definitions>`;
    const { router } = endpoint("1.2", { wsdl: two });
    for (const path of [
      "/STS/Users.svc",
      "/STS/Users.svc/",
      "/STS/Users.svc/cert",
      "/STS/Users.svc/TOKEN",
    ]) {
      const out = await router.handle(getWsdl(`${path}?wsdl`, { host: "127.0.0.1:8443" }, "https"));
      // An address outside the service (an issuer's) keeps its path on the request's host.
      expect(addresses(new TextDecoder().decode(out.body)), path).toEqual([
        "https://127.0.0.1:8443/STS/Users.svc/cert",
        "https://127.0.0.1:8443/STS/Users.svc/token",
        "https://127.0.0.1:8443/STS/Active.svc/x",
      ]);
    }
    // A single-port WSDL is served at exactly the URL it was fetched from, as before.
    const one = two.replace(/<port name="token">.*<\/port>\n/, "");
    const single = endpoint("1.2", { wsdl: one }).router;
    const out = await single.handle(getWsdl("/any/where?wsdl", { host: "h.test" }));
    expect(addresses(new TextDecoder().decode(out.body))).toEqual([
      "http://h.test/any/where",
      "http://h.test/any/where",
    ]);
  });
});

describe("SOAP endpoint over HTTP", () => {
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    server = await listen(endpoint("1.2", { wsdl: WSDL }).router, { host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it("serves the WSDL with the listening URL as the address", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/svc?wsdl`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toBe(rewritten(`${server.url}/svc`));
  });

  it("serves a well-formed WSDL whatever the path holds", async () => {
    const res = await fetch(`${server.url}/it's/svc?wsdl`);
    const text = await res.text();
    const at = `${server.url}/it's/svc`;
    expect(addresses(text)).toEqual([at, `${at}/12`, `${at}/12`]);
  });

  it("answers a call, and a Sender fault with 400", async () => {
    const ok = await fetch(`${server.url}/svc`, {
      method: "POST",
      headers: { "content-type": `application/soap+xml; charset=utf-8; action="${ACTION.add}"` },
      body: buildEnvelope("1.2", add(20, 22)),
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("<sum>42</sum>");

    const bad = await fetch(`${server.url}/svc`, {
      method: "POST",
      headers: { "content-type": `application/soap+xml; charset=utf-8; action="${ACTION.refuse}"` },
      body: buildEnvelope("1.2", `<Refuse xmlns="${NS}"/>`),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/soap+xml; charset=utf-8");
    const fault = readFault(parseEnvelope(await bad.text(), "1.2"));
    expect(fault).toMatchObject({ faultCode: "Sender", reason: "Refused by the handler." });

    const get = await fetch(`${server.url}/svc`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("GET, POST");
  });

  it("answers through the fetch-style handler too", async () => {
    const { router } = endpoint("1.1", { wsdl: WSDL });
    const res = await router.fetch(new Request("https://public.test/svc?wsdl"));
    expect(await res.text()).toBe(rewritten("https://public.test/svc"));
    const call11 = await router.fetch(
      new Request("http://public.test/svc", {
        method: "POST",
        headers: { "content-type": "text/xml; charset=utf-8", soapaction: `"${ACTION.fail}"` },
        body: buildEnvelope("1.1", `<Fail xmlns="${NS}"/>`),
      }),
    );
    expect(call11.status).toBe(500);
    expect(readFault(parseEnvelope(await call11.text(), "1.1"))!.faultCode).toBe("Server");
  });

  it("answers a SOAP 1.1 envelope sent to it with a VersionMismatch in its own version", async () => {
    const res = await fetch(`${server.url}/svc`, {
      method: "POST",
      headers: { "content-type": "application/soap+xml; charset=utf-8" },
      body: buildEnvelope("1.1", add(1)),
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toContain(SOAP12_NS);
    expect(text).not.toContain(SOAP11_NS);
    expect(readFault(parseEnvelope(text, "1.2"))!.faultCode).toBe("VersionMismatch");
  });
});
