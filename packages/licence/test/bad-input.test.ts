/**
 * Bad input sent to the emulator over HTTP with raw fetch (no client): every refusal is a 4xx in
 * exactly the {Code, Text, Message, Exception} shape, signed like any other answer, without the
 * secrets of the request, and the server goes on answering.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createQueryId, verifyLicenceSignature } from "../src/index.js";
import { LicenceEmulator } from "../src/server.js";
import { basic, expectLicenceError, makeKeys, type RawAnswer, sendRaw } from "./support.js";

const keys = makeKeys();
const emulator = new LicenceEmulator({
  demo: true,
  signingKey: keys.privateKey,
  responseValidation: "strict",
});
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

interface Sent {
  method?: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  auth?: string | null;
}

async function send(path: string, init: Sent = {}): Promise<RawAnswer & { queryId: string }> {
  const queryId = createQueryId();
  const res = await fetch(url + path, {
    method: init.method ?? "GET",
    headers: {
      ...(init.auth === null ? {} : { authorization: init.auth ?? ADMIN }),
      "licence-queryid": queryId,
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: init.body as BodyInit } : {}),
  });
  const body = new Uint8Array(await res.arrayBuffer());
  return {
    status: res.status,
    headers: res.headers,
    body,
    text: new TextDecoder().decode(body),
    queryId,
  };
}

/** The answer is `status`, in the error shape, JSON-typed and signed over the QueryID sent. */
async function expectSignedError(answer: RawAnswer & { queryId: string }, status: number) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
  expectLicenceError(JSON.parse(answer.text), status);
  expect(answer.headers.get("licence-queryid")).toBe(answer.queryId);
  await expect(
    verifyLicenceSignature({
      sentQueryId: answer.queryId,
      headers: answer.headers,
      body: answer.body,
      publicKey: keys.publicKey,
    }),
  ).resolves.toBeUndefined();
  return JSON.parse(answer.text) as {
    Code: number;
    Text: string;
    Message: string;
    Exception: string;
  };
}

// After every test the server still answers a plain request.
afterEach(async () => {
  const alive = await send("/api");
  expect(alive.status).toBe(200);
  expect(JSON.parse(alive.text)).toMatchObject({ Version: "3.0.34.11319" });
});

describe("malformed bodies", () => {
  it.each([
    ["POST /api/licences", "/api/licences", "{not json"],
    ["POST /api/sessions (cut short)", "/api/sessions", '{"KeyID": "672B", "ClientSess'],
    [`POST /api/licences/${KNOWN}/memory`, `/api/licences/${KNOWN}/memory`, '{"Value": "x",}'],
  ])("%s with malformed JSON: 400 EJSONException", async (_name, path, body) => {
    const error = await expectSignedError(await send(path, { method: "POST", body }), 400);
    expect(error.Exception).toBe("EJSONException");
  });

  it("a body that is not UTF-8: 400", async () => {
    const body = Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    await expectSignedError(await send("/api/licences", { method: "POST", body }), 400);
  });

  it("valid JSON that is not an object: 400", async () => {
    for (const body of ["[]", '"4345-9320-2035-7421-5361"', "null", "42"]) {
      await expectSignedError(await send("/api/licences", { method: "POST", body }), 400);
    }
  });
});

describe("wrong types", () => {
  it("KeyNo that is not an integer: 400 naming the parameter", async () => {
    for (const keyNo of ["abc", "1.5", "7131766x", "-"]) {
      const error = await expectSignedError(await send(`/api/licences/${keyNo}`), 400);
      expect(error.Message).toContain("/path/KeyNo");
    }
    await expectSignedError(await send("/api/licences/abc/memory"), 400);
  });

  it("ITN as a string in installLicence: 400 naming the field", async () => {
    const body = JSON.stringify({
      ActivationCodeString: "4345-9320-2035-7421-5361",
      ITN: "1234567890",
      IEC: null,
      BlankKeyNo: null,
    });
    const error = await expectSignedError(
      await send("/api/licences", { method: "POST", body }),
      400,
    );
    expect(error.Message).toContain("/body/ITN");
  });

  it("createSession with a numeric KeyID and without AppName: 400", async () => {
    const body = JSON.stringify({ KeyID: 672, ClientSessionID: "x" });
    const error = await expectSignedError(
      await send("/api/sessions", { method: "POST", body }),
      400,
    );
    expect(error.Message).toContain("/body/KeyID");
    expect(error.Message).toContain("AppName");
  });

  it("a memory value of the wrong type: 400", async () => {
    const body = JSON.stringify({ Password: "", Value: 17 });
    await expectSignedError(
      await send(`/api/licences/${KNOWN}/memory`, { method: "POST", body }),
      400,
    );
  });
});

describe("unknown things", () => {
  it("an unknown KeyNo: 404 for the licence and its memory", async () => {
    for (const [method, path] of [
      ["GET", "/api/licences/1"],
      ["GET", "/api/licences/1/memory"],
      ["DELETE", "/api/licences/1/memory"],
      ["POST", "/api/licences/1/memory?Value=x"],
    ] as const) {
      const error = await expectSignedError(await send(path, { method }), 404);
      expect(error.Exception).toBe("ELicenceNotFound");
    }
  });

  it("an unknown URL: 404, exactly the body the document prints for /api/someurl", async () => {
    const answer = await send("/api/someurl");
    await expectSignedError(answer, 404);
    expect(JSON.parse(answer.text)).toEqual({
      Code: 404,
      Text: "Not found",
      Message: '(EHTTPNotFound) The requested URL "/api/someurl" was not found.',
      Exception: "EHTTPNotFound",
    });
    for (const path of ["/", "/api/licences/1/2/3", "/apix", "/api/sessions/x/y"]) {
      await expectSignedError(await send(path), 404);
    }
  });

  it("unknown session and connection ids: 404", async () => {
    await expectSignedError(await send("/api/sessions/NOPE"), 404);
    await expectSignedError(await send("/api/connections/NOPE"), 404);
  });
});

describe("wrong method", () => {
  it.each([
    ["PUT", "/api/licences"],
    ["DELETE", "/api"],
    ["POST", "/api/serverinfo"],
    ["PATCH", `/api/licences/${KNOWN}`],
    ["PUT", `/api/licences/${KNOWN}/memory`],
    ["DELETE", "/api/sessions"],
  ])("%s %s: 405", async (method, path) => {
    const error = await expectSignedError(await send(path, { method }), 405);
    expect(error.Exception).toBe("EHTTPMethodNotAllowed");
  });
});

describe("authentication", () => {
  it.each([
    ["no Authorization header", null],
    ["a wrong password", basic("admin", "nimda")],
    ["a wrong user", basic("root", "admin")],
    ["another scheme", "Bearer admin"],
    ["a malformed Basic value", "Basic %%%"],
    ["Basic without a colon", `Basic ${Buffer.from("admin").toString("base64")}`],
  ])("%s: 401 with a Basic challenge", async (_name, auth) => {
    for (const [method, path] of [
      ["GET", "/api/licences"],
      ["GET", "/api"],
      ["POST", "/api/licences/update"],
    ] as const) {
      const answer = await send(path, { method, auth });
      const error = await expectSignedError(answer, 401);
      expect(error.Exception).toBe("EHTTPUnauthorized");
      expect(answer.headers.get("www-authenticate")).toBe('Basic realm="Licence"');
    }
  });

  it("credentials are checked first: without them every mistake is a plain 401", async () => {
    const cases: [string, Sent][] = [
      ["/api/licences", { method: "POST", body: "{not json" }],
      ["/api/someurl", {}],
      ["/api/licences", { method: "PUT" }],
      ["/api/licences/abc", {}],
      [`/api/licences/${KNOWN}/memory`, { method: "POST" }],
      ["/api/licences", { method: "POST", body: new Uint8Array(1024 * 1024 + 1) }],
    ];
    for (const [path, init] of cases) {
      for (const auth of [null, basic("admin", "wrong")]) {
        const answer = await send(path, { ...init, auth });
        const error = await expectSignedError(answer, 401);
        expect(error.Exception).toBe("EHTTPUnauthorized");
        expect(answer.headers.get("www-authenticate")).toBe('Basic realm="Licence"');
      }
    }
  });

  it("an unauthenticated request never reaches the state: nothing is installed", async () => {
    const body = JSON.stringify({
      ActivationCodeString: "2222-3333-4444-5555-6666",
      ITN: 1,
      IEC: null,
      BlankKeyNo: null,
    });
    await expectSignedError(await send("/api/licences", { method: "POST", body, auth: null }), 401);
    const list = JSON.parse((await send("/api/licences")).text) as {
      Licences: { ActivationCode: string }[];
    };
    expect(list.Licences.map((l) => l.ActivationCode)).not.toContain("2222-3333-4444-5555-6666");
  });
});

describe("sizes and missing parameters", () => {
  it("a body over the 1 MiB limit: 413", async () => {
    const body = new Uint8Array(1024 * 1024 + 1).fill(0x20);
    const error = await expectSignedError(
      await send("/api/licences", { method: "POST", body }),
      413,
    );
    expect(error.Text).toBe("Payload Too Large");
  });

  it("a body just under the limit is read (and refused for its content, not its size)", async () => {
    const body = `${" ".repeat(1024 * 1024 - 2)}[]`;
    await expectSignedError(await send("/api/licences", { method: "POST", body }), 400);
  });

  it("maxBodyBytes lowers the limit", async () => {
    const small = new LicenceEmulator({ signingKey: keys.privateKey, maxBodyBytes: 64 });
    const served = await small.listen();
    try {
      const res = await fetch(`${served.url}/api/licences`, {
        method: "POST",
        headers: { authorization: ADMIN, "content-type": "application/json" },
        body: JSON.stringify({ ActivationCodeString: "4345-9320-2035-7421-5361", ITN: 1234567890 }),
      });
      expect(res.status).toBe(413);
      expectLicenceError(await res.json(), 413);
    } finally {
      await served.close();
    }
  });

  it("POST memory with neither command's parameters: 400", async () => {
    for (const init of [
      { method: "POST" },
      { method: "POST", body: "{}" },
      { method: "POST", body: '{"Other": "x"}' },
    ]) {
      const error = await expectSignedError(
        await send(`/api/licences/${KNOWN}/memory?Other=1`, init),
        400,
      );
      expect(error.Message).toContain("ReadPassword");
    }
  });

  it("installLicence without a body or with an empty object: 400", async () => {
    await expectSignedError(await send("/api/licences", { method: "POST" }), 400);
    await expectSignedError(await send("/api/licences", { method: "POST", body: "{}" }), 400);
  });
});

describe("secrets stay out of the answers", () => {
  const SECRET = "hunter2";

  function expectNoSecret(answer: RawAnswer) {
    expect(answer.text).not.toContain(SECRET);
    answer.headers.forEach((value) => {
      expect(value).not.toContain(SECRET);
    });
  }

  it("a wrong read password in the query: 403 without the password", async () => {
    const answer = await send(`/api/licences/${KNOWN}/memory?Password=${SECRET}`);
    await expectSignedError(answer, 403);
    expectNoSecret(answer);
  });

  it("a wrong write password and the passwords command: 403 without them", async () => {
    for (const query of [
      `?Password=${SECRET}&Value=x`,
      `?ReadPassword=${SECRET}&WritePassword=${SECRET}&NewReadPassword=${SECRET}`,
    ]) {
      const answer = await send(`/api/licences/${KNOWN}/memory${query}`, { method: "POST" });
      await expectSignedError(answer, 403);
      expectNoSecret(answer);
    }
  });

  it("a wrong password in a GET body: 403 without the password", async () => {
    const queryId = createQueryId();
    const answer = await sendRaw(`${url}/api/licences/${KNOWN}/memory`, {
      method: "GET",
      headers: {
        authorization: ADMIN,
        "content-type": "application/json",
        "licence-queryid": queryId,
      },
      body: JSON.stringify({ Password: SECRET }),
    });
    await expectSignedError({ ...answer, queryId }, 403);
    expectNoSecret(answer);
  });

  it("the password next to other mistakes (404, 405, 400, 401): never echoed", async () => {
    const cases: [string, Sent, number][] = [
      [`/api/licences/1/memory?Password=${SECRET}`, {}, 404],
      [`/api/someurl?Password=${SECRET}`, {}, 404],
      [`/api/licences?Password=${SECRET}`, { method: "PUT" }, 405],
      [`/api/licences/abc/memory?Password=${SECRET}`, {}, 400],
      [`/api/licences/${KNOWN}/memory?Password=${SECRET}`, { auth: null }, 401],
      [`/api/licences/${KNOWN}/memory`, { auth: basic("admin", SECRET) }, 401],
      [
        `/api/licences/${KNOWN}/memory`,
        { method: "POST", body: JSON.stringify({ Password: SECRET, Value: 5 }) },
        400,
      ],
    ];
    for (const [path, init, status] of cases) {
      const answer = await send(path, init);
      await expectSignedError(answer, status);
      expectNoSecret(answer);
    }
  });
});

describe("the server survives", () => {
  it("a burst of concurrent bad requests, then answers normally", async () => {
    const bad = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0
        ? send("/api/licences", { method: "POST", body: "{" })
        : i % 4 === 1
          ? send(`/api/licences/x${i}`)
          : i % 4 === 2
            ? send("/api/nowhere", { auth: null })
            : send("/api/licences", { method: "DELETE" }),
    );
    const answers = await Promise.all(bad);
    for (const a of answers) expect(a.status).toBeGreaterThanOrEqual(400);
    const list = await send("/api/licences");
    expect(list.status).toBe(200);
    expect((JSON.parse(list.text) as { Licences: unknown[] }).Licences).toHaveLength(3);
  });

  it("a client that drops the connection mid-body does not stop the server", async () => {
    const { connect } = await import("node:net");
    const { port, hostname } = new URL(url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          'POST /api/licences HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"ActivationCode',
        );
        socket.destroy();
        resolve();
      });
      socket.on("error", reject);
    });
    expect((await send("/api")).status).toBe(200);
  });
});
