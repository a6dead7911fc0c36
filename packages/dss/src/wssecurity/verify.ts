import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import {
  childElements,
  isElement,
  parseEnvelope,
  type SoapEnvelope,
  type XmlLimits,
} from "@trustspec/runtime/soap";
import { SignedXml } from "xml-crypto";
import {
  DS_NS,
  ENVELOPED_SIGNATURE,
  EXC_C14N,
  HMAC_SHA1,
  RSA_SHA1,
  RSA_SHA256,
  SAML_ASSERTION_ID_VALUE_TYPE,
  SAML11_NS,
  SHA1,
  SHA256,
  WSSC_NS,
  WSSE_NS,
  WSU_NS,
} from "./constants.js";
import { WsSecurityError } from "./errors.js";
import type { ReplayCache } from "./replay.js";

/**
 * The receiving side of the `token/transport/nosc` header (see `transport.ts`): what the Sign
 * Service checks before it runs an operation. In order: the header's shape; the assertion's
 * signature with the trusted issuer key (never a key the message carries); its issuer, audience
 * (`AudienceRestrictionCondition`, the `AppliesTo` of the token request) and validity window; the
 * timestamp's freshness; the endorsing signature with the proof key of the assertion it refers
 * to; and that the timestamp and signature were not seen before. Signatures are checked by
 * `xml-crypto` on a copy of the element the check is about, serialised from the DOM the bounded
 * parser built, so nothing outside that element can be what was signed.
 */

/** What the verifier needs. */
export interface TransportSecurityPolicy {
  /** The trusted issuer's certificate or public key (PEM), which signs the assertions. */
  issuerKey: string | Buffer | KeyObject;
  /** The `Issuer` attribute the assertions must carry, when set. */
  issuer?: string;
  /** The audiences this service accepts (its endpoint addresses, as token requests name them in AppliesTo). */
  audiences: readonly string[];
  /**
   * The proof key of an assertion, by its id: base64 or bytes, `undefined` for an unknown one.
   * The emulator answers from its own issuance; a real service would decrypt the key the
   * assertion's `SubjectConfirmation` carries.
   */
  proofKey: (
    assertionId: string,
  ) => string | Uint8Array | undefined | Promise<string | Uint8Array | undefined>;
  /** Allowed clock difference, in seconds (default 300, WCF's `MaxClockSkew`). */
  maxClockSkewSeconds?: number;
  /** The clock (default `() => new Date()`). */
  now?: () => Date;
  /** Where seen messages are remembered; without it replays are not detected. */
  replayCache?: ReplayCache;
  /**
   * Where assertions whose signature verified are remembered (by their exact text and the issuer
   * key) until they expire, so that a token sent with every call has its signature checked once.
   * Every other check still runs on every call.
   */
  verifiedAssertions?: ReplayCache;
  /** Assertion signature algorithms accepted (default RSA-SHA1 and RSA-SHA256). */
  assertionSignatureAlgorithms?: readonly string[];
  /** XML limits when the envelope is given as text. */
  xmlLimits?: Partial<XmlLimits>;
}

/** A SAML 1.1 attribute of the assertion. */
export interface SamlAttribute {
  name: string;
  namespace: string;
  values: string[];
}

/** What a verified header establishes. */
export interface VerifiedTransportSecurity {
  assertionId: string;
  issuer: string;
  /** The subject's `NameIdentifier`, when the assertion has one. */
  subject?: string;
  attributes: SamlAttribute[];
  notBefore?: Date;
  notOnOrAfter?: Date;
  timestamp: { created: Date; expires?: Date };
  /** The assertion, serialised, as the issuer signed it. */
  assertionXml: string;
}

/** @internal */
export type El = SoapEnvelope["body"];

const DIGESTS = [SHA1, SHA256];

/** @internal */
export const kids = (el: El, ns: string, local: string) =>
  childElements(el).filter((c) => isElement(c, { ns, local }));
/** @internal */
export const kid = (el: El, ns: string, local: string) => kids(el, ns, local)[0];
const only = (el: El, ns: string, local: string, what: string): El => {
  const found = kids(el, ns, local);
  if (found.length !== 1) {
    throw new WsSecurityError("invalid_security", `The security header must hold one ${what}.`);
  }
  return found[0]!;
};

/**
 * Verifies the `wsse:Security` header of a request (a parsed envelope, or its text, read with the
 * bounded parser) against the policy.
 * @throws WsSecurityError with the code of the first check that fails.
 */
export async function verifyTransportSecurity(
  message: SoapEnvelope | string,
  policy: TransportSecurityPolicy,
): Promise<VerifiedTransportSecurity> {
  const envelope =
    typeof message === "string" ? parseEnvelope(message, "1.2", policy.xmlLimits) : message;
  const headers = envelope.headers.filter((h) => isElement(h, { ns: WSSE_NS, local: "Security" }));
  if (headers.length !== 1) {
    throw new WsSecurityError(
      "invalid_security",
      headers.length ? "More than one security header." : "The message has no security header.",
    );
  }
  const security = headers[0]!;
  const assertion = only(security, SAML11_NS, "Assertion", "SAML 1.1 assertion");
  const timestampEl = only(security, WSU_NS, "Timestamp", "timestamp");
  const signatureEl = only(security, DS_NS, "Signature", "endorsing signature");
  const now = (policy.now ?? (() => new Date()))();
  const skew = (policy.maxClockSkewSeconds ?? 300) * 1000;

  const token = verifyAssertion(assertion, policy, now, skew);

  const timestamp = readTimestamp(timestampEl);
  checkFreshness(timestamp, now, skew);

  const keyId = referencedAssertionId(signatureEl);
  if (keyId !== token.assertionId) {
    throw new WsSecurityError(
      "invalid_security",
      "The endorsing signature refers to another token than the assertion of the header.",
    );
  }
  const keyBytes = await proofKeyOf(keyId, policy);
  const signatureValue = checkEndorsingSignature(signatureEl, timestampEl, keyBytes);

  remember(policy.replayCache, timestamp, signatureValue, now, skew);
  return { ...token, timestamp };
}

/**
 * @internal Checks an endorsing signature: HMAC-SHA1 with `key` over the timestamp alone
 * (exclusive C14N). Returns the signature value.
 */
export function checkEndorsingSignature(signature: El, timestamp: El, key: Buffer): string {
  const timestampId = timestamp.getAttributeNS(WSU_NS, "Id");
  if (!timestampId) {
    throw new WsSecurityError("invalid_security", "The timestamp has no wsu:Id to sign.");
  }
  return checkSignature({
    signature,
    signed: timestamp,
    ids: [timestampId],
    algorithms: [HMAC_SHA1],
    transforms: [[EXC_C14N]],
    key,
    hmac: true,
    failure: "proof_signature_invalid",
    what: "The endorsing signature",
  });
}

/**
 * The proof key of a token as bytes, from the policy's lookup (base64 text or bytes).
 * @throws WsSecurityError `unknown_token` when the lookup knows no key for it.
 */
export async function proofKeyOf(
  tokenId: string,
  policy: Pick<TransportSecurityPolicy, "proofKey">,
): Promise<Buffer> {
  const key = await policy.proofKey(tokenId);
  if (key === undefined) {
    throw new WsSecurityError("unknown_token", "No proof key is known for the token.");
  }
  return typeof key === "string" ? Buffer.from(key, "base64") : Buffer.from(key);
}

const fingerprints = new WeakMap<object, string>();
// PEM texts seen lately (a service trusts one or two issuers): parsing a key costs more than the
// rest of a cached assertion check.
const pemFingerprints = new Map<string, string>();
const PEM_FINGERPRINTS_MAX = 16;
/** The SHA-256 of the issuer key's SubjectPublicKeyInfo (for the verified-assertion cache). */
function fingerprint(key: string | Buffer | KeyObject): string {
  const known = typeof key === "string" ? pemFingerprints.get(key) : fingerprints.get(key);
  if (known) return known;
  const der = createPublicKey(key).export({ type: "spki", format: "der" });
  const out = createHash("sha256").update(der).digest("base64");
  if (typeof key !== "string") fingerprints.set(key, out);
  else {
    if (pemFingerprints.size >= PEM_FINGERPRINTS_MAX) pemFingerprints.clear();
    pemFingerprints.set(key, out);
  }
  return out;
}

/** @internal Refuses a timestamp outside its validity window (with the clock skew). */
export function checkFreshness(
  timestamp: { created: Date; expires?: Date },
  now: Date,
  skew: number,
): void {
  if (timestamp.created.getTime() - skew > now.getTime()) {
    throw new WsSecurityError("message_expired", "The timestamp was created in the future.");
  }
  if (timestamp.expires && timestamp.expires.getTime() + skew <= now.getTime()) {
    throw new WsSecurityError("message_expired", "The message's timestamp has expired.");
  }
  if (!timestamp.expires && timestamp.created.getTime() + 2 * skew <= now.getTime()) {
    throw new WsSecurityError("message_expired", "The message's timestamp is too old.");
  }
}

/** @internal Remembers a message until its timestamp expires; refuses one seen before. */
export function remember(
  cache: ReplayCache | undefined,
  timestamp: { created: Date; expires?: Date },
  signatureValue: string,
  now: Date,
  skew: number,
): void {
  if (!cache) return;
  const until =
    Math.max(
      (timestamp.expires ?? new Date(timestamp.created.getTime() + 2 * skew)).getTime(),
      now.getTime(),
    ) + skew;
  if (!cache.add(`${timestamp.created.toISOString()} ${signatureValue}`, new Date(until), now)) {
    throw new WsSecurityError("replay", "The message was received before (replayed).");
  }
}

/** @internal The assertion's signature, issuer, validity window and audience; what it says. */
export function verifyAssertion(
  assertion: El,
  policy: Pick<
    TransportSecurityPolicy,
    "issuerKey" | "issuer" | "audiences" | "assertionSignatureAlgorithms" | "verifiedAssertions"
  >,
  now: Date,
  skew: number,
): Omit<VerifiedTransportSecurity, "timestamp"> {
  const assertionId = assertion.getAttribute("AssertionID");
  if (
    !assertionId ||
    assertion.getAttribute("MajorVersion") !== "1" ||
    assertion.getAttribute("MinorVersion") !== "1"
  ) {
    throw new WsSecurityError("invalid_token", "The token is not a SAML 1.1 assertion with an id.");
  }
  const signature = kid(assertion, DS_NS, "Signature");
  if (!signature) throw new WsSecurityError("invalid_token", "The assertion is not signed.");
  const assertionXml = assertion.toString();
  const cacheKey = policy.verifiedAssertions
    ? `${fingerprint(policy.issuerKey)} ${createHash("sha256").update(assertionXml).digest("base64")}`
    : "";
  const cached = policy.verifiedAssertions?.has(cacheKey, now) ?? false;
  if (!cached) {
    checkSignature({
      signature,
      signed: assertionXml,
      ids: [assertionId],
      idAttribute: "AssertionID",
      algorithms: policy.assertionSignatureAlgorithms ?? [RSA_SHA1, RSA_SHA256],
      transforms: [[ENVELOPED_SIGNATURE, EXC_C14N]],
      key: policy.issuerKey,
      hmac: false,
      failure: "invalid_token",
      what: "The assertion's signature",
    });
  }
  const issuer = assertion.getAttribute("Issuer") ?? "";
  if (policy.issuer !== undefined && issuer !== policy.issuer) {
    throw new WsSecurityError("untrusted_issuer", "The assertion is from another issuer.");
  }
  const conditions = kid(assertion, SAML11_NS, "Conditions");
  if (!conditions) throw new WsSecurityError("invalid_token", "The assertion has no Conditions.");
  const notBefore = optionalDate(conditions, "NotBefore");
  const notOnOrAfter = optionalDate(conditions, "NotOnOrAfter");
  if (notOnOrAfter && notOnOrAfter.getTime() + skew <= now.getTime()) {
    throw new WsSecurityError("token_expired", "The token has expired.");
  }
  // Its signature verified: the same bytes verify again until the assertion expires.
  if (!cached && notOnOrAfter && policy.verifiedAssertions) {
    policy.verifiedAssertions.add(cacheKey, new Date(notOnOrAfter.getTime() + skew), now);
  }
  if (notBefore && notBefore.getTime() - skew > now.getTime()) {
    throw new WsSecurityError("token_not_yet_valid", "The token is not valid yet.");
  }
  // Every AudienceRestrictionCondition must name one of our audiences (SAML 1.1 core: `AudienceRestrictionCondition`).
  const restrictions = kids(conditions, SAML11_NS, "AudienceRestrictionCondition");
  if (restrictions.length === 0) {
    throw new WsSecurityError("wrong_audience", "The token is not restricted to an audience.");
  }
  for (const r of restrictions) {
    const audiences = kids(r, SAML11_NS, "Audience").map((a) => (a.textContent ?? "").trim());
    if (!audiences.some((a) => policy.audiences.includes(a))) {
      throw new WsSecurityError("wrong_audience", "The token is for another audience.");
    }
  }
  const attributes: SamlAttribute[] = [];
  let subject: string | undefined;
  for (const statement of childElements(assertion)) {
    if (statement.namespaceURI !== SAML11_NS) continue;
    const subj = kid(statement, SAML11_NS, "Subject");
    const name = subj && kid(subj, SAML11_NS, "NameIdentifier");
    if (name && subject === undefined) subject = (name.textContent ?? "").trim();
    for (const a of kids(statement, SAML11_NS, "Attribute")) {
      attributes.push({
        name: a.getAttribute("AttributeName") ?? "",
        namespace: a.getAttribute("AttributeNamespace") ?? "",
        values: kids(a, SAML11_NS, "AttributeValue").map((v) => v.textContent ?? ""),
      });
    }
  }
  return {
    assertionId,
    issuer,
    ...(subject !== undefined ? { subject } : {}),
    attributes,
    ...(notBefore ? { notBefore } : {}),
    ...(notOnOrAfter ? { notOnOrAfter } : {}),
    assertionXml,
  };
}

/** @internal The timestamp's times. */
export function readTimestamp(el: El): { created: Date; expires?: Date } {
  const created = kids(el, WSU_NS, "Created");
  const expires = kids(el, WSU_NS, "Expires");
  if (created.length !== 1 || expires.length > 1) {
    throw new WsSecurityError("invalid_security", "The timestamp must hold one Created.");
  }
  const c = parseDate((created[0]!.textContent ?? "").trim());
  const e = expires[0] ? parseDate((expires[0].textContent ?? "").trim()) : undefined;
  if (!c || (expires[0] && !e)) {
    throw new WsSecurityError("invalid_security", "The timestamp holds an invalid time.");
  }
  return e ? { created: c, expires: e } : { created: c };
}

function optionalDate(el: El, name: string): Date | undefined {
  if (!el.hasAttribute(name)) return undefined;
  const d = parseDate(el.getAttribute(name) ?? "");
  if (!d) throw new WsSecurityError("invalid_token", `The assertion's ${name} is not a time.`);
  return d;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
function parseDate(text: string): Date | undefined {
  if (!DATE_TIME.test(text)) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The assertion id of the endorsing signature's `KeyInfo/SecurityTokenReference/KeyIdentifier`. */
function referencedAssertionId(signature: El): string {
  const keyInfo = kid(signature, DS_NS, "KeyInfo");
  const str = keyInfo && kid(keyInfo, WSSE_NS, "SecurityTokenReference");
  const keyIds = str ? kids(str, WSSE_NS, "KeyIdentifier") : [];
  if (
    keyIds.length !== 1 ||
    keyIds[0]!.getAttribute("ValueType") !== SAML_ASSERTION_ID_VALUE_TYPE
  ) {
    throw new WsSecurityError(
      "invalid_security",
      "The endorsing signature must refer to the assertion by its SAMLAssertionID key identifier.",
    );
  }
  return (keyIds[0]!.textContent ?? "").trim();
}

/** @internal What {@link checkSignature} checks. */
export interface SignatureCheck {
  signature: El;
  /** The element the signature must cover (alone), or the serialised document holding them. */
  signed: El | string;
  /** The ids of the elements signed, one reference each, in any order. */
  ids: readonly string[];
  idAttribute?: string;
  algorithms: readonly string[];
  /** The transform lists allowed for the one reference. */
  transforms: readonly (readonly string[])[];
  key: string | Buffer | KeyObject;
  hmac: boolean;
  failure: "invalid_token" | "proof_signature_invalid";
  what: string;
}

/**
 * Checks that `signature` has exactly one reference, to `#id`, with allowed algorithms, and that
 * it verifies over `signed` alone. Returns the signature value (base64).
 */
export function checkSignature(c: SignatureCheck): string {
  const signedInfo = kids(c.signature, DS_NS, "SignedInfo");
  const info = signedInfo.length === 1 ? signedInfo[0]! : undefined;
  const c14n = info && kid(info, DS_NS, "CanonicalizationMethod");
  const method = info && kid(info, DS_NS, "SignatureMethod");
  const references = info ? kids(info, DS_NS, "Reference") : [];
  if (!info || !c14n || !method || references.length !== c.ids.length) {
    throw new WsSecurityError("invalid_security", `${c.what} does not sign what it must.`);
  }
  const uris = new Set(references.map((r) => r.getAttribute("URI")));
  if (uris.size !== c.ids.length || c.ids.some((id) => !uris.has(`#${id}`))) {
    throw new WsSecurityError("invalid_security", `${c.what} does not cover what it must.`);
  }
  const algorithm = method.getAttribute("Algorithm") ?? "";
  const referenceAllowed = (reference: El) => {
    const transforms = kid(reference, DS_NS, "Transforms");
    const list = transforms
      ? kids(transforms, DS_NS, "Transform").map((t) => t.getAttribute("Algorithm") ?? "")
      : [];
    const digest = kid(reference, DS_NS, "DigestMethod")?.getAttribute("Algorithm") ?? "";
    return (
      DIGESTS.includes(digest) &&
      c.transforms.some((t) => t.length === list.length && t.every((x, i) => list[i] === x))
    );
  };
  if (
    c14n.getAttribute("Algorithm") !== EXC_C14N ||
    !c.algorithms.includes(algorithm) ||
    !references.every(referenceAllowed) ||
    kid(method, DS_NS, "HMACOutputLength")
  ) {
    throw new WsSecurityError(
      "unsupported_algorithm",
      `${c.what} uses an algorithm not allowed here.`,
    );
  }
  const verifier = new SignedXml({
    publicCert: c.key,
    ...(c.idAttribute ? { idAttribute: c.idAttribute } : {}),
  });
  // HMAC is allowed only where a symmetric key is expected (xml-crypto then knows no RSA).
  if (c.hmac) verifier.enableHMAC();
  let ok = false;
  try {
    verifier.loadSignature(c.signature.toString());
    ok = verifier.checkSignature(typeof c.signed === "string" ? c.signed : c.signed.toString());
  } catch {
    ok = false;
  }
  if (!ok || verifier.signatureAlgorithm !== algorithm) {
    throw new WsSecurityError(c.failure, `${c.what} does not verify.`);
  }
  return (kid(c.signature, DS_NS, "SignatureValue")?.textContent ?? "").replace(/\s+/g, "");
}

/**
 * @internal The identifier of the context token a `SecurityTokenReference` names: a `Reference` to the
 * token carried in the header (`#wsu:Id`) or to its identifier.
 */
export function referencedContext(str: El, security: El): string {
  const refs = kids(str, WSSE_NS, "Reference");
  const uri = refs.length === 1 ? (refs[0]!.getAttribute("URI") ?? "") : "";
  if (!uri)
    throw new WsSecurityError("invalid_security", "A key must name the security context token.");
  if (!uri.startsWith("#")) return uri;
  const sct = kids(security, WSSC_NS, "SecurityContextToken").find(
    (t) => t.getAttributeNS(WSU_NS, "Id") === uri.slice(1),
  );
  const identifier = (sct && kid(sct, WSSC_NS, "Identifier"))?.textContent?.trim() ?? "";
  if (!identifier)
    throw new WsSecurityError(
      "invalid_security",
      "A key refers to no security context token of the header.",
    );
  return identifier;
}
