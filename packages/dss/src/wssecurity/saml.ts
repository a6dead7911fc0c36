import { randomUUID } from "node:crypto";
import { escapeText, escapeXml } from "@trustspec/runtime/soap";
import { SignedXml } from "xml-crypto";
import {
  ENVELOPED_SIGNATURE,
  EXC_C14N,
  RSA_SHA1,
  RSA_SHA256,
  SAML11_NS,
  SHA1,
  SHA256,
} from "./constants.js";

/**
 * The issuing side of the tokens the verifier checks: a SAML 1.1 assertion (the token type of
 * the guide's RSTR, §6.3.1, line 10461) signed by the identity centre's key, for the emulator's
 * identity centre and for tests. The shape is SAML 1.1 core's: `Conditions` with the validity
 * window and an `AudienceRestrictionCondition` (the token request's `AppliesTo`), then an
 * `AttributeStatement` whose `Subject` is confirmed by holder-of-key (the proof key), then the
 * enveloped signature (exclusive C14N).
 */

/** A SAML 1.1 attribute to put into the assertion. */
export interface SamlAttributeInit {
  name: string;
  namespace: string;
  values: readonly string[];
}

/** What the assertion says and who signs it. */
export interface SamlAssertionInit {
  /** The `Issuer` attribute (the identity centre's name). */
  issuer: string;
  /** The issuer's RSA private key (PEM). */
  signingKey: string | Buffer;
  /** The audience (the relying party address from `AppliesTo`). */
  audience: string;
  /** The subject's `NameIdentifier`. */
  subject: string;
  attributes?: readonly SamlAttributeInit[];
  notBefore: Date;
  notOnOrAfter: Date;
  /** Default: `_` and a random UUID. */
  assertionId?: string;
  /** `ds:KeyInfo` content of the subject's confirmation (e.g. the proof key encrypted for the service). */
  subjectKeyInfoXml?: string;
  /** Default RSA-SHA256 with SHA-256 digests. */
  algorithm?: "rsa-sha1" | "rsa-sha256";
}

const HOLDER_OF_KEY = "urn:oasis:names:tc:SAML:1.0:cm:holder-of-key";

/** The signed assertion's XML, to be sent in `RequestedSecurityToken` as it is. */
export function signedSamlAssertion(init: SamlAssertionInit): string {
  const id = init.assertionId ?? `_${randomUUID()}`;
  const attributes = (init.attributes ?? [])
    .map(
      (a) =>
        `<saml:Attribute AttributeName="${escapeXml(a.name)}" AttributeNamespace="${escapeXml(a.namespace)}">${a.values.map((v) => `<saml:AttributeValue>${escapeText(v)}</saml:AttributeValue>`).join("")}</saml:Attribute>`,
    )
    .join("");
  const keyInfo = init.subjectKeyInfoXml
    ? `<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">${init.subjectKeyInfoXml}</KeyInfo>`
    : "";
  const xml = `<saml:Assertion xmlns:saml="${SAML11_NS}" MajorVersion="1" MinorVersion="1" AssertionID="${escapeXml(id)}" Issuer="${escapeXml(init.issuer)}" IssueInstant="${init.notBefore.toISOString()}"><saml:Conditions NotBefore="${init.notBefore.toISOString()}" NotOnOrAfter="${init.notOnOrAfter.toISOString()}"><saml:AudienceRestrictionCondition><saml:Audience>${escapeText(init.audience)}</saml:Audience></saml:AudienceRestrictionCondition></saml:Conditions><saml:AttributeStatement><saml:Subject><saml:NameIdentifier>${escapeText(init.subject)}</saml:NameIdentifier><saml:SubjectConfirmation><saml:ConfirmationMethod>${HOLDER_OF_KEY}</saml:ConfirmationMethod>${keyInfo}</saml:SubjectConfirmation></saml:Subject>${attributes}</saml:AttributeStatement></saml:Assertion>`;
  const sha1 = init.algorithm === "rsa-sha1";
  const sig = new SignedXml({
    privateKey: init.signingKey,
    canonicalizationAlgorithm: EXC_C14N,
    signatureAlgorithm: sha1 ? RSA_SHA1 : RSA_SHA256,
    idAttribute: "AssertionID",
  });
  sig.addReference({
    xpath: "/*",
    transforms: [ENVELOPED_SIGNATURE, EXC_C14N],
    digestAlgorithm: sha1 ? SHA1 : SHA256,
  });
  sig.computeSignature(xml, { prefix: "ds", location: { reference: "/*", action: "append" } });
  return sig.getSignedXml();
}
