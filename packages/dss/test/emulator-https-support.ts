import { Agent, request } from "node:https";
import { decryptDocument, encryptDocument } from "../src/generated/signservice/client.gen.js";
import type { SignServiceClient } from "../src/soap/client.js";

/**
 * A fetch over node:https that trusts `ca` (PEM) and presents `client` (PEM certificate and key)
 * when given: how the tests reach the emulator's HTTPS (`DssEmulator.listen({ https: true })`).
 * Other processes trust the CA with NODE_EXTRA_CA_CERTS=<file of caCertificatePem>.
 */
export function fetchTrusting(
  ca: string,
  client?: { cert: string; key: string },
  options: { keepAlive?: boolean } = {},
): typeof globalThis.fetch {
  // One agent keeping connections open, when asked (benchmarks): no TLS handshake per call.
  const agent = options.keepAlive ? new Agent({ ca, ...client, keepAlive: true }) : undefined;
  return async (input, init) => {
    const req = new Request(input, init);
    const body = new Uint8Array(await req.arrayBuffer());
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return new Promise<Response>((resolve, reject) => {
      const r = request(req.url, { method: req.method, headers, ca, ...client, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : v);
          }
          const status = res.statusCode ?? 500;
          const nullBody = status === 204 || status === 304 || req.method === "HEAD";
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: out }));
        });
      });
      r.on("error", reject);
      r.end(body);
    });
  };
}

/**
 * EncryptDocument for `certificateBase64`, then DecryptDocument of the result, through a Sign
 * Service client: the decrypted text and the certificate ids the answer names.
 */
export async function encryptThenDecrypt(
  client: SignServiceClient,
  certificateBase64: string,
  text: string,
): Promise<{ text: string; certificateIds: number[] | undefined }> {
  const encrypted = await encryptDocument(client, {
    document: Buffer.from(text).toString("base64"),
    encryptionType: "CMS",
    recipients: { base64Binary: [certificateBase64] },
  });
  const decrypted = await decryptDocument(client, {
    encryptedDocument: encrypted.EncryptDocumentResult ?? null,
    encryptionType: "CMS",
  });
  const result = decrypted.DecryptDocumentResult;
  return {
    text: Buffer.from(result?.Result ?? "", "base64").toString(),
    certificateIds: result?.CertificatesIDs?.int,
  };
}
