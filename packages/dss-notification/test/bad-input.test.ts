/**
 * Bad input to the server stub over HTTP: every case is answered with a SOAP 1.1 fault in the
 * service's own format, over HTTP 500 as SOAP 1.1's HTTP binding has every fault travel (405, 413
 * and 415 for what is refused before a message is read), never a crash; nothing from the payload
 * is expanded or echoed, and the server goes on answering valid requests.
 */
import { listen } from "@trustspec/runtime/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDssNotificationServer } from "../src/server.js";
import { envelope, NOTIFY_ACTION, post, TNS } from "./support.js";

const valid = envelope(
  `<Notify xmlns="${TNS}"><opResult><OperationCode>100</OperationCode><ResultCode>0</ResultCode><UserIdentifier>anna</UserIdentifier></opResult></Notify>`,
);

const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Notify xmlns="${TNS}"><opResult><OperationCode>100</OperationCode><ResultCode>0</ResultCode><UserIdentifier>&lol9;</UserIdentifier></opResult></Notify></s:Body></s:Envelope>`;

const xxe = `<?xml version="1.0"?>
<!DOCTYPE s:Envelope [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Notify xmlns="${TNS}"><opResult><OperationCode>100</OperationCode><ResultCode>0</ResultCode><UserIdentifier>&xxe;</UserIdentifier></opResult></Notify></s:Body></s:Envelope>`;

const faultOf = (text: string) => ({
  code: /<faultcode>([^<]*)<\/faultcode>/.exec(text)?.[1],
  reason: /<faultstring[^>]*>([^<]*)<\/faultstring>/.exec(text)?.[1] ?? "",
});

describe("bad input to the notification server stub", () => {
  let calls = 0;
  let running: Awaited<ReturnType<typeof listen>>;
  let url: string;
  beforeAll(async () => {
    running = await listen(
      createDssNotificationServer(
        {
          Notify: ({ message }) => {
            calls++;
            if (message.opResult?.UserIdentifier === "explode") throw new Error("secret detail");
          },
        },
        { maxBodyBytes: 64 * 1024 },
      ),
    );
    url = `${running.url}/`;
  });
  afterAll(() => running.close());

  const cases: [string, () => Promise<{ status: number; text: string }>, number, RegExp][] = [
    ["malformed XML", () => post(url, "<s:Envelope><s:Body><Notify>"), 500, /not well-formed/],
    ["not XML at all", () => post(url, "hello"), 500, /not well-formed/],
    [
      "a DOCTYPE with an external entity (XXE)",
      () => post(url, xxe),
      500,
      /document type or entity/,
    ],
    [
      "entity declarations (billion laughs)",
      () => post(url, laughs),
      500,
      /document type or entity/,
    ],
    [
      "an undeclared entity reference",
      () => post(url, valid.replace("anna", "&foo;")),
      500,
      /not well-formed/,
    ],
    [
      "a wrong SOAPAction",
      () => post(url, valid, { soapaction: '"http://example/Other"' }),
      500,
      /action "http:\/\/example\/Other" is not supported/,
    ],
    [
      "no SOAPAction header",
      () =>
        fetch(url, { method: "POST", headers: { "content-type": "text/xml" }, body: valid }).then(
          async (r) => ({ status: r.status, text: await r.text() }),
        ),
      500,
      /SOAPAction header is required/,
    ],
    [
      "a missing required element (ResultCode)",
      () => post(url, valid.replace("<ResultCode>0</ResultCode>", "")),
      500,
      /\/Notify\/opResult\/ResultCode is required/,
    ],
    [
      "elements out of order",
      () =>
        post(
          url,
          valid.replace(
            "<OperationCode>100</OperationCode><ResultCode>0</ResultCode>",
            "<ResultCode>0</ResultCode><OperationCode>100</OperationCode>",
          ),
        ),
      500,
      /OperationCode is required/,
    ],
    [
      "an unknown element",
      () => post(url, valid.replace("</opResult>", "<Extra>1</Extra></opResult>")),
      500,
      /Extra is not expected here/,
    ],
    [
      "an int out of range",
      () => post(url, valid.replace("<OperationCode>100<", "<OperationCode>99999999999<")),
      500,
      /must be an xs:int/,
    ],
    [
      "xsi:nil on a non-nillable element",
      () =>
        post(
          url,
          valid.replace(
            "<ResultCode>0</ResultCode>",
            '<ResultCode xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/>',
          ),
        ),
      500,
      /not nillable/,
    ],
    [
      "the wrong body element",
      () => post(url, envelope(`<NotifyResponse xmlns="${TNS}"/>`)),
      500,
      /expects the element/,
    ],
    ["an empty body", () => post(url, envelope("")), 500, /exactly one element/],
    [
      "not an envelope",
      () => post(url, `<Notify xmlns="${TNS}"/>`),
      500,
      /not a SOAP 1\.1 envelope/,
    ],
    [
      "a SOAP 1.2 envelope",
      () =>
        post(
          url,
          valid.replace(
            "http://schemas.xmlsoap.org/soap/envelope/",
            "http://www.w3.org/2003/05/soap-envelope",
          ),
        ),
      500,
      /speaks SOAP 1\.1/,
    ],
    [
      "an oversized body",
      () => post(url, valid.replace("anna", "a".repeat(70 * 1024))),
      413,
      /exceeds 65536 bytes/,
    ],
    [
      "a wrong content type",
      () => post(url, valid, { "content-type": "application/json" }),
      415,
      /text\/xml/,
    ],
    [
      "bytes that are not UTF-8",
      () => post(url, new Uint8Array([0x3c, 0xff, 0xfe, 0x3e])),
      500,
      /UTF-8/,
    ],
    [
      "a header block with mustUnderstand",
      () =>
        post(
          url,
          valid.replace(
            "<s:Body>",
            '<s:Header><x:Secret xmlns:x="urn:x" s:mustUnderstand="1">1</x:Secret></s:Header><s:Body>',
          ),
        ),
      500,
      /is not understood/,
    ],
    [
      "GET without ?wsdl",
      () => fetch(url).then(async (r) => ({ status: r.status, text: await r.text() })),
      405,
      /not allowed/,
    ],
  ];

  it.each(cases)("%s: a SOAP fault", async (_name, send, status, reason) => {
    const before = calls;
    const answer = await send();
    expect(answer.status).toBe(status);
    const fault = faultOf(answer.text);
    expect(fault.code).toMatch(/^s:(Client|VersionMismatch|MustUnderstand)/);
    expect(fault.reason).toMatch(reason);
    expect(answer.text).not.toContain("root:");
    expect(answer.text).not.toContain("lollol");
    expect(calls).toBe(before);
    // …and the server still answers a valid notification.
    expect((await post(url, valid)).status).toBe(200);
  });

  it("a handler that fails answers a Server fault (500) without its detail", async () => {
    const answer = await post(url, valid.replace("anna", "explode"));
    expect(answer.status).toBe(500);
    expect(faultOf(answer.text)).toEqual({
      code: "s:Server",
      reason: "Notify failed inside the server.",
    });
    expect(answer.text).not.toContain("secret detail");
  });

  it("clientFaultStatus: 400 answers Client faults with 400 for a peer that wants it", async () => {
    const bp = await listen(
      createDssNotificationServer(
        {
          Notify: ({ message }) => {
            if (message.opResult?.UserIdentifier === "explode") throw new Error("failed");
          },
        },
        { clientFaultStatus: 400 },
      ),
    );
    try {
      const answer = await post(`${bp.url}/`, valid, { soapaction: '"urn:wrong"' });
      expect(answer.status).toBe(400);
      expect(faultOf(answer.text).code).toBe("s:Client.ActionNotSupported");
      // Server faults keep the binding's 500.
      const failed = await post(`${bp.url}/`, valid.replace("anna", "explode"));
      expect(failed.status).toBe(500);
    } finally {
      await bp.close();
    }
  });

  it('an empty SOAPAction ("") routes by the body element', async () => {
    expect((await post(url, valid, { soapaction: '""' })).status).toBe(200);
    expect(NOTIFY_ACTION).toContain("INotificationService/Notify");
  });
});
