/**
 * Test material for the WS-Security tests: an issuer (an RSA key and a self-signed certificate
 * made at test time with `openssl req`) that signs SAML 1.1 assertions with xml-crypto the way the
 * identity centre's tokens look (guide §6.3.1: SAML 1.1, a symmetric proof key), and a request
 * envelope carrying the client's header.
 */
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEnvelope } from "@trustspec/runtime/soap";
import { SignedXml } from "xml-crypto";
import { transportSecurityHeader } from "../src/wssecurity/index.js";

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
  const id = init.id ?? `_${randomUUID()}`;
  const subject = init.subject ?? "user1";
  const xml = `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" MajorVersion="1" MinorVersion="1" AssertionID="${id}" Issuer="${init.issuer ?? ISSUER}" IssueInstant="${init.notBefore.toISOString()}"><saml:Conditions NotBefore="${init.notBefore.toISOString()}" NotOnOrAfter="${init.notOnOrAfter.toISOString()}"><saml:AudienceRestrictionCondition><saml:Audience>${init.audience ?? AUDIENCE}</saml:Audience></saml:AudienceRestrictionCondition></saml:Conditions><saml:AttributeStatement><saml:Subject><saml:NameIdentifier>${subject}</saml:NameIdentifier><saml:SubjectConfirmation><saml:ConfirmationMethod>urn:oasis:names:tc:SAML:1.0:cm:holder-of-key</saml:ConfirmationMethod></saml:SubjectConfirmation></saml:Subject><saml:Attribute AttributeName="name" AttributeNamespace="http://schemas.xmlsoap.org/ws/2005/05/identity/claims"><saml:AttributeValue>${subject}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>`;
  const sha256 = init.algorithm !== "rsa-sha1";
  const sig = new SignedXml({
    privateKey: issuer.keyPem,
    canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
    signatureAlgorithm: sha256
      ? "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
      : "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    idAttribute: "AssertionID",
  });
  sig.addReference({
    xpath: "/*",
    transforms: [
      "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
      "http://www.w3.org/2001/10/xml-exc-c14n#",
    ],
    digestAlgorithm: sha256
      ? "http://www.w3.org/2001/04/xmlenc#sha256"
      : "http://www.w3.org/2000/09/xmldsig#sha1",
  });
  sig.computeSignature(xml, { prefix: "ds", location: { reference: "/*", action: "append" } });
  return sig.getSignedXml();
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
