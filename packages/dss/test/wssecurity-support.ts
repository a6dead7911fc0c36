/**
 * Test material for the WS-Security tests: an issuer (an RSA key and a self-signed certificate
 * made at test time with `openssl req`) whose SAML 1.1 assertions `signedSamlAssertion` signs the
 * way the identity centre's tokens look (guide §6.3.1: SAML 1.1, a symmetric proof key), and a
 * request envelope carrying the client's header.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEnvelope } from "@trustspec/runtime/soap";
import { signedSamlAssertion, transportSecurityHeader } from "../src/wssecurity/index.js";

export const AUDIENCE = "https://dss.example/SignServer/SignService.svc/token/transport/nosc";
export const ISSUER = "https://dss.example/STS";

export interface TestIssuer {
  keyPem: string;
  certPem: string;
}

/** An RSA key and its self-signed certificate, made with the `openssl` command. */
export function makeIssuer(cn = "Test STS"): TestIssuer {
  const dir = mkdtempSync(join(tmpdir(), "wss-issuer-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-subj",
        `/CN=${cn}`,
        "-days",
        "2",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    return {
      keyPem: readFileSync(join(dir, "key.pem"), "utf8"),
      certPem: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface AssertionInit {
  id?: string;
  issuer?: string;
  audience?: string;
  notBefore: Date;
  notOnOrAfter: Date;
  subject?: string;
  algorithm?: "rsa-sha1" | "rsa-sha256";
}

/** A SAML 1.1 assertion with an AttributeStatement, signed (enveloped, exclusive C14N) by `issuer`. */
export function signedAssertion(issuer: TestIssuer, init: AssertionInit): string {
  const subject = init.subject ?? "user1";
  return signedSamlAssertion({
    issuer: init.issuer ?? ISSUER,
    signingKey: issuer.keyPem,
    audience: init.audience ?? AUDIENCE,
    subject,
    attributes: [
      {
        name: "name",
        namespace: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims",
        values: [subject],
      },
    ],
    notBefore: init.notBefore,
    notOnOrAfter: init.notOnOrAfter,
    ...(init.id ? { assertionId: init.id } : {}),
    algorithm: init.algorithm ?? "rsa-sha256",
  });
}

/** A fresh 256-bit proof key, base64 (the guide's RSTR has KeySize 256). */
export const newProofKey = () => randomBytes(32).toString("base64");

/** A SOAP 1.2 request with the client's header and a SignDocument-like body. */
export function request(header: string): string {
  return buildEnvelope(
    "1.2",
    `<GetCertificates xmlns="http://dss.cryptopro.ru/services/2014/06/"/>`,
    [
      `<a:Action xmlns:a="http://www.w3.org/2005/08/addressing" s:mustUnderstand="1">http://dss.cryptopro.ru/services/2014/06/ISignService/GetCertificates</a:Action>`,
      header,
    ],
  );
}

/** A token as the WS-Trust client returns it, for an assertion signed by `issuer`. */
export function issuedToken(issuer: TestIssuer, init: AssertionInit & { id: string }) {
  return {
    tokenXml: signedAssertion(issuer, init),
    proofKey: newProofKey(),
    keyIdentifier: init.id,
  };
}

export { transportSecurityHeader };
