import { listen } from "@trustspec/runtime/server";
import { parseEnvelope, readFault, SOAP12_NS } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDssSignServiceClient,
  getCertificates,
} from "../src/generated/signservice/client.gen.js";
import { createDssSignServiceServer } from "../src/generated/signservice/server.gen.js";

// The Sign Service's binding is a WCF wsHttpBinding (SOAP 1.2 + WS-Addressing 1.0): the generated
// client addresses each message as WCF does, and the generated server stub routes by wsa:Action.
const WSA = "http://www.w3.org/2005/08/addressing";
const ACTION = "http://dss.cryptopro.ru/services/2014/06/ISignService/GetCertificates";

let server: Awaited<ReturnType<typeof listen>>;
let endpoint: string;
const sent: string[] = [];
const received: string[] = [];
const recording: typeof fetch = async (url, init) => {
  sent.push(String(init?.body));
  const res = await fetch(url, init);
  const text = await res.text();
  received.push(text);
  return new Response(text, { status: res.status, headers: res.headers });
};

beforeAll(async () => {
  server = await listen(
    createDssSignServiceServer({
      GetCertificates: () => ({ GetCertificatesResult: {} }),
    }),
    { host: "127.0.0.1" },
  );
  endpoint = `${server.url.replace(/\/$/, "")}/SignServer/SignService.svc/token/transport/nosc`;
});
afterAll(() => server.close());

describe("Sign Service over WS-Addressing 1.0: generated client against the generated server stub", () => {
  it("calls GetCertificates with the four addressing headers and reads the answer that relates to it", async () => {
    sent.length = 0;
    received.length = 0;
    const client = createDssSignServiceClient({ url: endpoint, fetch: recording });
    const out = await getCertificates(client, {});
    expect(out).toEqual({ GetCertificatesResult: {} });

    const request = parseEnvelope(sent[0]!, "1.2");
    expect(request.envelope.namespaceURI).toBe(SOAP12_NS);
    const byName = (local: string) =>
      request.headers.filter((h) => h.namespaceURI === WSA && h.localName === local);
    for (const local of ["Action", "MessageID", "ReplyTo", "To"])
      expect(byName(local), local).toHaveLength(1);
    expect(byName("Action")[0]!.textContent).toBe(ACTION);
    expect(byName("Action")[0]!.getAttributeNS(SOAP12_NS, "mustUnderstand")).toBe("1");
    expect(byName("To")[0]!.textContent).toBe(endpoint);
    expect(byName("To")[0]!.getAttributeNS(SOAP12_NS, "mustUnderstand")).toBe("1");
    const messageId = byName("MessageID")[0]!.textContent!;
    expect(messageId).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    const address = byName("ReplyTo")[0]!.getElementsByTagNameNS(WSA, "Address");
    expect(address[0]?.textContent).toBe(`${WSA}/anonymous`);

    const answer = parseEnvelope(received[0]!, "1.2");
    const header = (local: string) =>
      answer.headers.find((h) => h.namespaceURI === WSA && h.localName === local)?.textContent;
    expect(header("Action")).toBe(`${ACTION}Response`);
    expect(header("RelatesTo")).toBe(messageId);
  });

  it("answers a message without wsa:Action, as a WCF client without addressing would send it, with the addressing fault", async () => {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": `application/soap+xml; charset=utf-8; action="${ACTION}"` },
      body: `<s:Envelope xmlns:s="${SOAP12_NS}"><s:Body><GetCertificates xmlns="http://dss.cryptopro.ru/services/2014/06/"/></s:Body></s:Envelope>`,
    });
    expect(res.status).toBe(400);
    const fault = readFault(parseEnvelope(await res.text(), "1.2"));
    expect(fault?.subcode).toEqual({ ns: WSA, local: "MessageAddressingHeaderRequired" });
  });
});
