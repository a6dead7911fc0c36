import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routerFrom } from "../src/server/router.js";
import { listen } from "../src/server.js";
import {
  addressingRequestHeaders,
  readAddressingHeaders,
  WSA_ANONYMOUS,
  WSA_FAULT_ACTION,
  WSA_NS,
  WSA_SOAP_FAULT_ACTION,
} from "../src/soap/addressing.js";
import { callSoapOperation, createSoapClient } from "../src/soap/client.js";
import {
  buildEnvelope,
  parseEnvelope,
  readFault,
  SOAP12_NS,
  SoapFaultError,
} from "../src/soap/envelope.js";
import { createSoapServer } from "../src/soap/server.js";
import { childElements } from "../src/xml/codec.js";
import { echoService } from "./soap-echo-service.js";

const NS = "urn:test:echo";
const IN = `${NS}/IEcho/Echo`;
const OUT = `${NS}/IEcho/EchoResponse`;

const service = echoService;
const handlers = { Echo: ({ message }: { message: { text: string } }) => ({ text: message.text }) };

/** Every request body the servers saw, by path. */
const seen: { url: string; body: string; type: string }[] = [];
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  const routers = {
    "/12": createSoapServer(service("1.2", true), handlers),
    "/11": createSoapServer(service("1.1", true), handlers),
    "/plain": createSoapServer(service("1.2", false), handlers),
  };
  server = await listen(
    routerFrom(async (req) => {
      seen.push({
        url: req.url,
        body: new TextDecoder().decode(req.body),
        type: req.headers["content-type"] ?? "",
      });
      return routers[req.url as keyof typeof routers].handle(req);
    }, 1024 * 1024),
    { host: "127.0.0.1", port: 0 },
  );
});
afterAll(async () => {
  await server.close();
});

/** Posts an envelope with the given header blocks and Echo body to the SOAP 1.2 server. */
async function post(headers: string[], action?: string) {
  const res = await fetch(`${server.url}/12`, {
    method: "POST",
    headers: {
      "content-type": `application/soap+xml; charset=utf-8${action ? `; action="${action}"` : ""}`,
    },
    body: buildEnvelope("1.2", `<Echo xmlns="${NS}"><text>hi</text></Echo>`, headers),
  });
  const env = parseEnvelope(await res.text(), "1.2");
  return {
    status: res.status,
    env,
    fault: readFault(env),
    wsa: readAddressingHeaders(env.headers),
  };
}
const detailOf = (env: ReturnType<typeof parseEnvelope>) => {
  const detail = childElements(env.body).find((k) => k.localName === "Detail");
  return detail ? childElements(detail)[0] : undefined;
};

describe("WS-Addressing 1.0: the client", () => {
  it("sends Action, MessageID, ReplyTo and To before the other header blocks, and reads the answer", async () => {
    seen.length = 0;
    const client = createSoapClient(service("1.2", true), {
      url: `${server.url}/12`,
      soapHeaders: () => ['<h:Auth xmlns:h="urn:h">k</h:Auth>'],
    });
    const out = await callSoapOperation<{ text: string }>(client, "Echo", { text: "hi" });
    expect(out).toEqual({ text: "hi" });
    const sent = parseEnvelope(seen[0]!.body, "1.2");
    expect(seen[0]!.type).toBe(`application/soap+xml; charset=utf-8; action="${IN}"`);
    expect(sent.headers.map((h) => [h.namespaceURI, h.localName])).toEqual([
      [WSA_NS, "Action"],
      [WSA_NS, "MessageID"],
      [WSA_NS, "ReplyTo"],
      [WSA_NS, "To"],
      ["urn:h", "Auth"],
    ]);
    const mu = (i: number) => sent.headers[i]!.getAttributeNS(SOAP12_NS, "mustUnderstand");
    expect([mu(0), mu(1), mu(2), mu(3)]).toEqual(["1", null, null, "1"]);
    const wsa = readAddressingHeaders(sent.headers);
    expect(wsa.action).toBe(IN);
    expect(wsa.to).toBe(`${server.url}/12`);
    expect(wsa.replyTo).toBe(WSA_ANONYMOUS);
    expect(wsa.messageId).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("over SOAP 1.1 sends the same headers and a SOAPAction equal to wsa:Action", async () => {
    const client = createSoapClient(service("1.1", true), { url: `${server.url}/11` });
    expect(await callSoapOperation(client, "Echo", { text: "x" })).toEqual({ text: "x" });
  });

  it("leaves a binding without addressing as it was: no addressing headers", async () => {
    seen.length = 0;
    const client = createSoapClient(service("1.2", false), { url: `${server.url}/plain` });
    expect(await callSoapOperation(client, "Echo", { text: "y" })).toEqual({ text: "y" });
    expect(seen[0]!.body).toBe(
      buildEnvelope("1.2", `<Echo xmlns="${NS}"><text>y</text></Echo>`, []),
    );
  });

  it("refuses an answer whose RelatesTo names another request", async () => {
    const other = createSoapClient(service("1.2", true), {
      url: `${server.url}/12`,
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        const text = (await res.text()).replace(/urn:uuid:[0-9a-f-]+/, "urn:uuid:other");
        return new Response(text, { status: res.status, headers: res.headers });
      },
    });
    const e = await callSoapOperation(other, "Echo", { text: "z" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SoapFaultError);
    expect((e as SoapFaultError).faultCode).toBe("InvalidResponse");
    expect((e as SoapFaultError).reason).toMatch(/RelatesTo/);
  });
});

describe("WS-Addressing 1.0: the server stub", () => {
  const request = (action: string, messageId = "urn:uuid:1") =>
    addressingRequestHeaders({ action, messageId, to: `${server.url}/12` }).headers;

  it("routes by wsa:Action and answers with the output action and RelatesTo", async () => {
    const r = await post(request(IN, "urn:uuid:abc"));
    expect(r.status).toBe(200);
    expect(r.fault).toBeUndefined();
    expect(r.env.headers.map((h) => h.localName)).toEqual(["Action", "RelatesTo"]);
    expect(r.wsa.action).toBe(OUT);
    expect(r.env.headers[0]!.getAttributeNS(SOAP12_NS, "mustUnderstand")).toBe("1");
    expect(r.wsa.relatesTo).toBe("urn:uuid:abc");
    expect(r.env.body.localName).toBe("EchoResponse");
  });

  it("faults a missing wsa:Action with MessageAddressingHeaderRequired, naming the header", async () => {
    const r = await post(request(IN).slice(1), IN);
    expect(r.status).toBe(400);
    expect(r.fault).toMatchObject({
      faultCode: "Sender",
      subcode: { ns: WSA_NS, local: "MessageAddressingHeaderRequired" },
    });
    const detail = detailOf(r.env)!;
    expect([detail.namespaceURI, detail.localName, detail.textContent]).toEqual([
      WSA_NS,
      "ProblemHeaderQName",
      "a:Action",
    ]);
    expect(detail.lookupNamespaceURI("a")).toBe(WSA_NS);
    expect(r.wsa.action).toBe(WSA_FAULT_ACTION);
    expect(r.wsa.relatesTo).toBe("urn:uuid:1");
  });

  it("faults an unknown action with ActionNotSupported and the action in ProblemAction", async () => {
    const r = await post(request(`${NS}/IEcho/Nothing`));
    expect(r.status).toBe(400);
    expect(r.fault?.subcode).toEqual({ ns: WSA_NS, local: "ActionNotSupported" });
    const detail = detailOf(r.env)!;
    expect(detail.localName).toBe("ProblemAction");
    expect(childElements(detail)[0]!.textContent).toBe(`${NS}/IEcho/Nothing`);
  });

  it("faults a request expecting a reply without wsa:MessageID", async () => {
    const headers = request(IN).filter((h) => !h.includes("MessageID"));
    const r = await post(headers);
    expect(r.fault?.subcode).toEqual({ ns: WSA_NS, local: "MessageAddressingHeaderRequired" });
    expect(detailOf(r.env)!.textContent).toBe("a:MessageID");
    expect(r.wsa.relatesTo).toBeUndefined();
  });

  it("faults an HTTP action that differs from wsa:Action, a repeated header and a non-anonymous ReplyTo", async () => {
    const mismatch = await post(request(IN), `${NS}/IEcho/Other`);
    expect(mismatch.fault?.subcode).toEqual({ ns: WSA_NS, local: "InvalidAddressingHeader" });
    const twice = await post([...request(IN), request(IN)[0]!]);
    expect(twice.fault?.subcode).toEqual({ ns: WSA_NS, local: "InvalidAddressingHeader" });
    const replyTo = request(IN).map((h) =>
      h.replace(WSA_ANONYMOUS, "http://elsewhere.invalid/replies"),
    );
    const r = await post(replyTo);
    expect(r.fault?.subcode).toEqual({ ns: WSA_NS, local: "InvalidAddressingHeader" });
    expect(detailOf(r.env)!.textContent).toBe("a:ReplyTo");
  });

  it("answers a handler's or SOAP's own fault with the SOAP fault action", async () => {
    const r = await post([
      ...request(IN),
      `<x:Must xmlns:x="urn:x" xmlns:s="${SOAP12_NS}" s:mustUnderstand="1"/>`,
    ]);
    expect(r.fault?.faultCode).toBe("MustUnderstand");
    expect(r.wsa.action).toBe(WSA_SOAP_FAULT_ACTION);
    expect(r.wsa.relatesTo).toBe("urn:uuid:1");
  });
});
