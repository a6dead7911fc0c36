/**
 * Every signed answer of the emulator verifies over exactly what reaches the client: the QueryID
 * sent, then the bytes received. Checked over real HTTP on 127.0.0.1 with node:http and
 * node:crypto alone, for successes and for the answers the router makes itself (404, 405, 401,
 * 413, 500), with GET, HEAD and the other methods. A HEAD answer carries no body, so its
 * signature covers the QueryID alone.
 */
import { verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLicenceSignature } from "../src/index.js";
import { LicenceEmulator } from "../src/server.js";
import { basic, makeKeys, type RawAnswer, sendRaw } from "./support.js";

const keys = makeKeys();
const emulator = new LicenceEmulator({
  demo: true,
  signingKey: keys.privateKey,
  responseValidation: "strict",
});
// One operation fails inside the server, for its 500 answer.
emulator.handlers.getServerInfo = () => {
  throw new Error("the server information is unavailable");
};
const KNOWN = 7131766; // a demo licence, empty memory passwords
const ADMIN = basic("admin", "admin");

let url = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  const served = await emulator.listen();
  url = served.url;
  close = served.close;
});
afterAll(() => close());

let counter = 0;

interface Signed extends RawAnswer {
  queryId: string;
}

/** One request with its own QueryID, sent with node:http; the answer as its bytes arrived. */
async function send(
  method: string,
  path: string,
  init: { auth?: string | null; body?: string | Uint8Array } = {},
): Promise<Signed> {
  counter += 1;
  const queryId = `20250301120000${String(counter).padStart(4, "0")}`;
  const answer = await sendRaw(url + path, {
    method,
    headers: {
      ...(init.auth === null ? {} : { authorization: init.auth ?? ADMIN }),
      "licence-queryid": queryId,
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return { ...answer, queryId };
}

/** RSASSA-PKCS1-v1_5 / SHA-256 over the QueryID's bytes followed by the body's, as a client checks. */
function verifies(queryId: string, body: Uint8Array, signature: string): boolean {
  const data = Buffer.concat([Buffer.from(queryId, "latin1"), body]);
  return verify("sha256", data, keys.publicKey, Buffer.from(signature, "base64"));
}

/** The answer echoes the QueryID and its signature verifies over it and the bytes received. */
function expectSigned(answer: Signed, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get("licence-queryid")).toBe(answer.queryId);
  const signature = answer.headers.get("licence-signature");
  expect(signature).toBeTruthy();
  expect(verifies(answer.queryId, answer.body, signature!)).toBe(true);
}

const getRoutes: [string, number][] = [
  ["/api", 200],
  ["/api/licences", 200],
  [`/api/licences/${KNOWN}`, 200],
  [`/api/licences/${KNOWN}/memory`, 200],
  ["/api/sessions", 200],
  ["/api/connections", 200],
  ["/api/licences/1", 404], // an unknown KeyNo: the GET handler's own 404
  ["/api/sessions/NOPE", 404],
  ["/api/serverinfo", 500], // the handler fails
];

describe("GET and HEAD on the GET routes", () => {
  it.each(getRoutes)("GET %s: %i, signed over the body received", async (path, status) => {
    const answer = await send("GET", path);
    expectSigned(answer, status);
    expect(answer.body.byteLength).toBeGreaterThan(0);
  });

  it.each(getRoutes)(
    "HEAD %s: the GET answer's status and headers, no body, signed over the QueryID alone",
    async (path, status) => {
      const get = await send("GET", path);
      const head = await send("HEAD", path);
      expectSigned(head, status);
      expect(head.body.byteLength).toBe(0);
      expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
      // No Content-Length: "0" would misstate the size of the GET body.
      expect(head.headers.get("content-length")).toBeNull();
    },
  );

  it("HEAD with fetch: the package's own check accepts the answer, 200 and 405 alike", async () => {
    for (const [path, status] of [
      ["/api/licences", 200],
      ["/api/licences/update", 405],
    ] as const) {
      const queryId = "202503011200009999";
      const res = await fetch(url + path, {
        method: "HEAD",
        headers: { authorization: ADMIN, "licence-queryid": queryId },
      });
      const body = new Uint8Array(await res.arrayBuffer());
      expect([res.status, body.byteLength]).toEqual([status, 0]);
      await verifyLicenceSignature({
        sentQueryId: queryId,
        headers: res.headers,
        body,
        publicKey: keys.publicKey,
      });
    }
  });

  it("HEAD changes nothing: the licences and sessions stay as they are", async () => {
    const before = (await send("GET", "/api/licences")).text;
    await send("HEAD", "/api/licences");
    await send("HEAD", "/api/sessions");
    expect((await send("GET", "/api/licences")).text).toBe(before);
  });
});

describe("answers the router makes itself, for every method", () => {
  it.each([
    ["HEAD", "/api/licences/update"], // a POST-only route
    ["PUT", "/api/licences"],
    ["DELETE", "/api"],
    ["POST", "/api/serverinfo"],
    ["PATCH", `/api/licences/${KNOWN}`],
    ["OPTIONS", "/api/licences"],
  ])("%s %s: 405 with Allow, signed over the bytes received", async (method, path) => {
    const answer = await send(method, path);
    expectSigned(answer, 405);
    expect(answer.headers.get("allow")).toBe(
      { "/api/licences/update": "POST", "/api/licences": "GET, POST" }[path] ?? "GET",
    );
    expect(answer.body.byteLength).toBe(
      method === "HEAD" ? 0 : Number(answer.headers.get("content-length")),
    );
  });

  it.each(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])(
    "%s on an unknown URL: 404, signed over the bytes received",
    async (method) => {
      for (const path of ["/api/someurl", "/", "/api/licences/1/memory/extra"]) {
        const answer = await send(method, path);
        expectSigned(answer, 404);
        if (method === "HEAD") expect(answer.body.byteLength).toBe(0);
        else expect(answer.body.byteLength).toBeGreaterThan(0);
      }
    },
  );

  it.each(["GET", "HEAD", "POST", "DELETE"])(
    "%s without credentials or with wrong ones: 401, signed over the bytes received",
    async (method) => {
      for (const auth of [null, basic("admin", "wrong")]) {
        const answer = await send(method, "/api/licences", { auth });
        expectSigned(answer, 401);
        expect(answer.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
        expect(answer.body.byteLength === 0).toBe(method === "HEAD");
      }
    },
  );

  it.each(["POST", "GET", "HEAD"])(
    "%s with a body over the 1 MiB limit: 413, signed over the bytes received",
    async (method) => {
      const body = new Uint8Array(1024 * 1024 + 1).fill(0x20);
      const answer = await send(method, "/api/licences", { body });
      expectSigned(answer, 413);
      expect(answer.body.byteLength === 0).toBe(method === "HEAD");
    },
  );

  it("a body that is not JSON: 400, signed over the bytes received", async () => {
    expectSigned(await send("POST", "/api/licences", { body: "{not json" }), 400);
  });
});
