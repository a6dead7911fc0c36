import { KeyObject, X509Certificate } from "node:crypto";
import { request } from "node:https";
import { createTestCa, issueCertificate, toPem } from "@trustspec/dss/cms";

/** A certificate and its private key, PEM. */
export interface PemPair {
  cert: string;
  key: string;
}

const pemKey = (key: CryptoKey | undefined) =>
  KeyObject.from(key!).export({ type: "pkcs8", format: "pem" }) as string;

/**
 * A test PKI for the `/cert` endpoint, made with `@trustspec/dss/cms` (ECDSA P-256): a CA, the
 * server's certificate for 127.0.0.1 and the operator's client certificate from it, and a client
 * certificate of another CA the server does not trust.
 */
export async function testPki() {
  const ca = await createTestCa({ commonName: "UMS test CA", algorithm: "ECDSA" });
  const stranger = await createTestCa({ commonName: "Another CA", algorithm: "ECDSA" });
  const issue = async (
    issuer: typeof ca,
    subject: string,
    names?: { ip: string[] },
  ): Promise<PemPair> => {
    const c = await issueCertificate(issuer, {
      subject,
      algorithm: "ECDSA",
      ...(names ? { subjectAltName: names } : {}),
    });
    return { cert: toPem(c.certificate, "CERTIFICATE"), key: pemKey(c.privateKey) };
  };
  const caPem = toPem(ca.certificate, "CERTIFICATE");
  return {
    caPem,
    caX509: new X509Certificate(caPem),
    server: await issue(ca, "CN=127.0.0.1", { ip: ["127.0.0.1"] }),
    operator: await issue(ca, "CN=UMS operator"),
    stranger: await issue(stranger, "CN=UMS operator"),
    /** POSTs a GetPolicy envelope over HTTPS trusting the CA, presenting no client certificate. */
    postWithoutCertificate(url: string): Promise<{ status: number; body: string }> {
      const action = "http://dss.cryptopro.ru/services/2014/06/IUserManagementService/GetPolicy";
      const envelope = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">${action}</a:Action><a:MessageID>urn:uuid:0b9d6c1e-3f0a-4a8e-9d1c-5e2f7a6b4c3d</a:MessageID><a:To s:mustUnderstand="1">${url}</a:To></s:Header><s:Body><GetPolicy xmlns="http://dss.cryptopro.ru/services/2014/06/"/></s:Body></s:Envelope>`;
      return new Promise((resolve, reject) => {
        const r = request(
          url,
          {
            method: "POST",
            ca: caPem,
            headers: { "content-type": `application/soap+xml; charset=utf-8; action="${action}"` },
          },
          (res) => {
            let body = "";
            res.on("data", (c: Buffer) => {
              body += c.toString();
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        r.on("error", reject);
        r.end(envelope);
      });
    },
  };
}
