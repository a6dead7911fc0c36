import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listen, type RawRequest, routerFrom } from "../src/server.js";

const dir = mkdtempSync(join(tmpdir(), "trustspec-tls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed EC P-256 certificate and key made by the openssl CLI. */
function selfSigned(name: string, extra: string[] = []): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
      "-keyout",
      key,
      "-out",
      cert,
      ...extra,
    ],
    { stdio: "pipe" },
  );
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
}

const server = selfSigned("localhost", ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]);
const client = selfSigned("client");

/** GET `url` over TLS trusting the server certificate, with an optional client certificate. */
function get(url: string, withCert: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ca: server.cert, ...(withCert ? { cert: client.cert, key: client.key } : {}) },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () => resolve(text));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("listen over TLS", () => {
  it("serves https and hands handlers the scheme and the client certificate", async () => {
    const seen: RawRequest[] = [];
    const router = routerFrom(async (r) => {
      seen.push(r);
      return { status: 200, headers: { "content-type": "text/plain" }, body: new Uint8Array() };
    }, 1024);
    const s = await listen(router, { tls: { ...server, requestCert: true } });
    try {
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      await get(`${s.url}/a`, true);
      await get(`${s.url}/b`, false);
    } finally {
      await s.close();
    }
    expect(seen.map((r) => r.scheme)).toEqual(["https", "https"]);
    const pem = client.cert.replace(/-----[^-]+-----|\s/g, "");
    expect(Buffer.from(seen[0]!.clientCertificate!).toString("base64")).toBe(pem);
    expect(seen[1]!.clientCertificate).toBeUndefined();
  });

  it("asks for no client certificate unless told to", async () => {
    const seen: RawRequest[] = [];
    const router = routerFrom(async (r) => {
      seen.push(r);
      return { status: 204, headers: {}, body: new Uint8Array() };
    }, 1024);
    const s = await listen(router, { tls: server });
    try {
      await get(`${s.url}/`, true);
    } finally {
      await s.close();
    }
    expect(seen[0]!.clientCertificate).toBeUndefined();
  });
});
