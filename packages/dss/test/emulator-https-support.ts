import { Agent } from "node:https";
import { decryptDocument, encryptDocument } from "../src/generated/signservice/client.gen.js";
import type { SignServiceClient } from "../src/soap/client.js";
import { httpsFetch } from "../src/wstrust/tls-fetch.js";

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
  return httpsFetch({ ca, ...client, ...(agent ? { agent } : {}) });
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
