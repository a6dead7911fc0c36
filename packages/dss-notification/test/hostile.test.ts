/**
 * Hostile and heavy bodies within the size limit, sent to the server stub over HTTP: each shape is
 * refused by the XML limits while it is read (a SOAP 1.1 `Client` fault over HTTP 500 naming the
 * limit), the handler never runs, and a small valid request sent while they are being refused is
 * answered. The cost of a refusal is measured in `pnpm bench`, not here.
 */
import { listen } from "@trustspec/runtime/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDssNotificationServer } from "../src/server.js";
import { envelope, post, TNS } from "./support.js";

const valid = envelope(
  `<Notify xmlns="${TNS}"><opResult><OperationCode>100</OperationCode><ResultCode>0</ResultCode><UserIdentifier>anna</UserIdentifier></opResult></Notify>`,
);

const manyAttributes = (n: number) => Array.from({ length: n }, (_, i) => `a${i}="1"`).join(" ");
const eachWith60 = `<a ${manyAttributes(60)}/>`;

/** Each shape fits in 1 MiB, the stub's default body limit. */
const shapes: [string, string, RegExp][] = [
  ["260 000 flat siblings", envelope("<a/>".repeat(260_000)), /maxElements/],
  [
    "100 000 nested elements",
    envelope(`${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}`),
    /maxDepth/,
  ],
  ["60 000 attributes on one element", envelope(`<a ${manyAttributes(60_000)}/>`), /maxAttributes/],
  ["an element name of 200 000 characters", envelope(`<${"n".repeat(200_000)}/>`), /maxNameLength/],
  [
    "an attribute name of 200 000 characters",
    envelope(`<a ${"n".repeat(200_000)}="1"/>`),
    /maxNameLength/,
  ],
  [
    "flat siblings with 60 attributes each",
    envelope(`<r>${eachWith60.repeat(Math.floor(900_000 / eachWith60.length))}</r>`),
    /maxTotalAttributes/,
  ],
  [
    "deep nesting inside a valid Notify",
    valid.replace(
      "<UserIdentifier>anna",
      `<UserIdentifier>${"<x>".repeat(5_000)}${"</x>".repeat(5_000)}`,
    ),
    /maxDepth/,
  ],
  [
    "wide attributes deep inside",
    valid.replace("<opResult>", `<opResult ${manyAttributes(5_000)}>`),
    /maxAttributes/,
  ],
];

const faultOf = (text: string) => ({
  code: /<faultcode>([^<]*)<\/faultcode>/.exec(text)?.[1],
  reason: /<faultstring[^>]*>([^<]*)<\/faultstring>/.exec(text)?.[1] ?? "",
});

describe("hostile bodies to the notification server stub", () => {
  let calls = 0;
  let running: Awaited<ReturnType<typeof listen>>;
  let url: string;
  beforeAll(async () => {
    running = await listen(
      createDssNotificationServer({
        Notify: () => {
          calls++;
        },
      }),
    );
    url = `${running.url}/`;
  });
  afterAll(() => running.close());

  it.each(shapes)(
    "%s: refused with a Client fault naming the limit",
    async (_name, body, limit) => {
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(1024 * 1024);
      const before = calls;
      const answer = await post(url, body);
      expect(answer.status).toBe(500);
      const fault = faultOf(answer.text);
      expect(fault.code).toBe("s:Client");
      expect(fault.reason).toMatch(limit);
      expect(calls).toBe(before);
    },
  );

  it("a small valid request is answered while hostile bodies are being refused", async () => {
    const before = calls;
    const hostile = shapes.slice(0, 5).map(([, body]) => post(url, body));
    const small = post(url, valid);
    const answers = await Promise.all([...hostile, small]);
    expect(answers.at(-1)!.status).toBe(200);
    expect(answers.at(-1)!.text).toContain("NotifyResponse");
    for (const a of answers.slice(0, -1)) expect(a.status).toBe(500);
    expect(calls).toBe(before + 1);
  });

  it("long text is refused by a service that sets a lower maxTextLength", async () => {
    const strict = await listen(
      createDssNotificationServer(
        { Notify: () => {} },
        { xmlLimits: { maxTextLength: 64 * 1024 } },
      ),
    );
    try {
      const long = valid.replace("anna", "a".repeat(100_000));
      const answer = await post(`${strict.url}/`, long);
      expect(answer.status).toBe(500);
      expect(faultOf(answer.text).reason).toMatch(/maxTextLength/);
      expect((await post(`${strict.url}/`, valid)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it("a service may raise a limit for its own messages", async () => {
    const roomy = await listen(
      createDssNotificationServer({ Notify: () => {} }, { xmlLimits: { maxDepth: 200 } }),
    );
    try {
      const deepButAllowed = valid.replace(
        "<UserIdentifier>anna",
        `<UserIdentifier>${"<x>".repeat(150)}${"</x>".repeat(150)}`,
      );
      const answer = await post(`${roomy.url}/`, deepButAllowed);
      // Past the limits, the schema check refuses the element inside UserIdentifier.
      expect(answer.status).toBe(500);
      expect(faultOf(answer.text).reason).toMatch(/must hold text only/);
    } finally {
      await roomy.close();
    }
  });
});
