import { KeyObject } from "node:crypto";
import { issueCertificate, type KeyAndCertificate, toPem } from "../cms/index.js";

/**
 * An HTTPS server certificate and its key (PEM) issued by a test CA for `host`, with `localhost`
 * and `127.0.0.1` (an ECDSA key; subjectAltName with the DNS names and IPv4 addresses), as the
 * emulators serve HTTPS with.
 */
export async function issueTlsServerKeys(
  ca: KeyAndCertificate,
  host: string,
  now: Date,
): Promise<{ cert: string; key: string }> {
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  const dns = new Set(["localhost", ...(isIp || host.includes(":") ? [] : [host])]);
  const ip = new Set(["127.0.0.1", ...(isIp ? [host] : [])]);
  const issued = await issueCertificate(ca, {
    subject: `CN=${isIp ? "localhost" : host}`,
    algorithm: "ECDSA",
    now,
    subjectAltName: { dns: [...dns], ip: [...ip] },
  });
  return {
    cert: toPem(issued.certificate, "CERTIFICATE"),
    key: KeyObject.from(issued.privateKey as CryptoKey).export({
      type: "pkcs8",
      format: "pem",
    }) as string,
  };
}
