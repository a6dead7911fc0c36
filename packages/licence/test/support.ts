/**
 * Helpers shared by the licence test files: key pairs, the error-body shape, error capture.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { request as httpRequest, STATUS_CODES } from "node:http";
import { expect } from "vitest";

export interface TestKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

/** A fresh RSA-2048 key pair, as KeyObjects and PEM. */
export function makeKeys(): TestKeys {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** The reason texts the emulator uses where the vendor document prints its own. */
const DOCUMENT_TEXTS: Record<number, string> = { 404: "Not found" };

/**
 * Asserts that a value is exactly the licensing server's error body `{Code, Text, Message,
 * Exception}` for `status`: no other fields, Code equal to the status, Text the reason phrase,
 * Message "(<Exception>) <text>".
 */
export function expectLicenceError(body: unknown, status: number): void {
  expect(body).toBeTypeOf("object");
  const b = body as Record<string, unknown>;
  expect(Object.keys(b).sort()).toEqual(["Code", "Exception", "Message", "Text"]);
  expect(b.Code).toBe(status);
  expect(b.Text).toBe(DOCUMENT_TEXTS[status] ?? STATUS_CODES[status]);
  expect(b.Exception).toMatch(/^E[A-Za-z]+$/);
  expect(b.Message).toBeTypeOf("string");
  expect((b.Message as string).startsWith(`(${b.Exception as string}) `)).toBe(true);
  expect((b.Message as string).length).toBeGreaterThan(`(${b.Exception as string}) `.length);
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** `Basic` credentials header value. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: Uint8Array;
  text: string;
}

/**
 * Sends one request with node:http, which (unlike fetch) can put a body on a GET, as the document
 * allows for reading user memory.
 */
export function sendRaw(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string | Uint8Array },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = httpRequest(
      url,
      {
        method: init.method,
        headers: {
          ...init.headers,
          ...(body ? { "content-length": String(body.byteLength) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === "string") headers.set(name, value);
          }
          const bytes = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: new Uint8Array(bytes),
            text: bytes.toString("utf8"),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
