import { X509Certificate } from "node:crypto";
import type { RawRequest } from "@trustspec/runtime/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCa, issueCertificate, toPem } from "../src/cms/index.js";
import { DssEmulator } from "../src/emulator/index.js";
import { fetchTrusting } from "./emulator-https-support.js";
import { testCa } from "./emulator-support.js";

/** The emulator over HTTPS: its server certificate, the CA to trust, client certificates. */

let dss: DssEmulator;
beforeAll(async () => {
  dss = await DssEmulator.create({ ca: await testCa(), keyAlgorithm: "ECDSA" });
});
afterAll(() => dss.close());

describe("DssEmulator.listen({ https })", () => {
  it("serves the REST API over TLS with a certificate from the test CA for 127.0.0.1", async () => {
    const server = await dss.listen({ https: true });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const fetch = fetchTrusting(dss.caCertificatePem);
      const token = dss.issueAccessToken("demo");
      const res = await fetch(`${server.url}/SignServer/rest/api/certificates`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(Array.isArray(await res.json())).toBe(true);
      // Not trusted without the CA.
      await expect(fetchTrusting("")(`${server.url}/SignServer/rest/api/policy`)).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it("makes the server certificate for localhost and 127.0.0.1, issued by the test CA", async () => {
    const server = await dss.listen({ https: true });
    try {
      const { port } = new URL(server.url);
      const fetch = fetchTrusting(dss.caCertificatePem);
      // Host name verification against "localhost" too.
      const res = await fetch(`https://localhost:${port}/SignServer/rest/api/policy`);
      expect(res.status).toBe(401);
    } finally {
      await server.close();
    }
    const ca = new X509Certificate(dss.caCertificatePem);
    expect(ca.ca).toBe(true);
  });

  it("hands the client certificate to the handlers when asked for one", async () => {
    const seen: RawRequest[] = [];
    const handle = dss.handle.bind(dss);
    const spy = async (r: RawRequest) => {
      seen.push(r);
      return handle(r);
    };
    Object.defineProperty(dss, "handle", { value: spy, configurable: true });
    const server = await dss.listen({ https: { requestCert: true } });
    const other = await createTestCa({ commonName: "a client's own CA", algorithm: "ECDSA" });
    const client = await issueCertificate(other, { subject: "CN=client", algorithm: "ECDSA" });
    const key = (await import("node:crypto")).KeyObject.from(client.privateKey as CryptoKey);
    try {
      const fetch = fetchTrusting(dss.caCertificatePem, {
        cert: toPem(client.certificate, "CERTIFICATE"),
        key: key.export({ type: "pkcs8", format: "pem" }) as string,
      });
      await fetch(`${server.url}/SignServer/rest/api/policy`);
      await fetchTrusting(dss.caCertificatePem)(`${server.url}/SignServer/rest/api/policy`);
    } finally {
      await server.close();
      Reflect.deleteProperty(dss, "handle");
    }
    expect(seen.map((r) => r.scheme)).toEqual(["https", "https"]);
    expect(seen[0]?.clientCertificate).toEqual(client.certificate);
    expect(seen[1]?.clientCertificate).toBeUndefined();
  });
});
