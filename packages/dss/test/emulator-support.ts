import { createTestCa, type KeyAndCertificate } from "../src/cms/index.js";
import { DssEmulator, type DssEmulatorOptions } from "../src/emulator/index.js";

/** Shared by the emulator tests: one emulator over HTTP and raw calls to it. */
export interface Running {
  dss: DssEmulator;
  url: string;
  /** The test clock; move it with `advance`. */
  advance(seconds: number): void;
  close(): Promise<void>;
}

let sharedCa: Promise<KeyAndCertificate> | undefined;

/** One ECDSA test CA for all emulators of a file (making RSA keys is the slow part). */
export function testCa(): Promise<KeyAndCertificate> {
  sharedCa ??= createTestCa({ commonName: "emulator test CA", algorithm: "ECDSA" });
  return sharedCa;
}

/** Starts an emulator on 127.0.0.1 with a clock the test moves. */
export async function start(options: DssEmulatorOptions = {}): Promise<Running> {
  let offset = 0;
  const dss = await DssEmulator.create({
    ca: await testCa(),
    keyAlgorithm: "ECDSA",
    now: () => new Date(Date.now() + offset),
    responseValidation: "strict",
    ...options,
  });
  const server = await dss.listen();
  return {
    dss,
    url: server.url,
    advance: (seconds) => {
      offset += seconds * 1000;
    },
    close: async () => {
      await server.close();
      await dss.close();
    },
  };
}

/** An answer: status, headers, the raw text and the parsed JSON (when it is JSON). */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/** A raw HTTP call: `body` as JSON, or `form` as application/x-www-form-urlencoded. */
export async function call(
  url: string,
  method: string,
  init: {
    body?: unknown;
    raw?: string;
    form?: Record<string, string>;
    token?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  } else if (init.raw !== undefined) {
    headers["content-type"] ??= "application/json";
    body = init.raw;
  } else if (init.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.body);
  }
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, {
    method,
    headers,
    redirect: "manual",
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (HTML page, empty body).
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A password-grant token for `login` through the public client dss.sample. */
export async function passwordToken(url: string, login: string, password = login): Promise<string> {
  const a = await call(`${url}/STS/oauth/token`, "POST", {
    form: { grant_type: "password", username: login, password, client_id: "dss.sample" },
  });
  if (a.status !== 200) throw new Error(`token for ${login}: HTTP ${a.status} ${a.text}`);
  return a.json.access_token as string;
}

/** The unsigned JWT of a token exchange (guide, lines 12789-12823). */
export function subjectJwt(
  claims: Record<string, unknown>,
  header: object = { alg: "none", typ: "JWT" },
) {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part(header)}.${part(claims)}.`;
}

export const b64 = (data: string | Uint8Array) => Buffer.from(data).toString("base64");
