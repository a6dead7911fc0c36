import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import {
  childElements,
  escapeXml,
  isElement,
  parseEnvelope,
  parseXml,
  SOAP12_NS,
  type XmlLimits,
} from "@trustspec/runtime/soap";
import { SignedXml } from "xml-crypto";
import {
  AES128_CBC,
  AES256_CBC,
  DEFAULT_DERIVATION_LABEL,
  DS_NS,
  EXC_C14N,
  HMAC_SHA1,
  P_SHA1,
  SAML_ASSERTION_ID_VALUE_TYPE,
  SAML11_NS,
  SCT_TOKEN_TYPE,
  SHA1,
  WSA_NS,
  WSSC_NS,
  WSSE_NS,
  WSU_NS,
  XENC_CONTENT,
  XENC_ELEMENT,
  XENC_NS,
} from "./constants.js";
import { WsSecurityError } from "./errors.js";
import type { ReplayCache } from "./replay.js";
import {
  assertionReferenceXml,
  DEFAULT_TIMESTAMP_TTL_SECONDS,
  type SecurityTokenForHeader,
} from "./transport.js";
import {
  checkFreshness,
  checkSignature,
  type El,
  kid,
  kids,
  proofKeyOf,
  readTimestamp,
  referencedContext,
  remember,
  type TransportSecurityPolicy,
  type VerifiedTransportSecurity,
  verifyAssertion,
} from "./verify.js";

/**
 * Message security for the Sign Service's `token/nosc` endpoint (no transport security, no
 * secure session): the issued token's proof key is the symmetric protection token. The guide
 * says only that the proof key protects the messages (§6.3.1, end, lines 10494-10497); how is
 * WS-SecurityPolicy 1.2's `SymmetricBinding` with the issued token as protection token, as
 * a WCF `wsHttpBinding`/`ws2007FederationHttpBinding` without secure session applies it, with the
 * `Basic256` algorithm suite:
 * - the timestamp, the WS-Addressing headers and the body are signed (HMAC-SHA1, exclusive
 *   C14N), then the body's content and the signature are encrypted (XML Encryption, AES-256-CBC);
 * - the keys are the proof key itself, the token named by its `SAMLAssertionID` key identifier
 *   (the Sign Service WSDL's policy: an `IssuedToken` without `RequireDerivedKeys`), or, with
 *   `derivedKeys`, two keys derived from it (WS-SecureConversation 1.3, §7, P_SHA-1 with fresh
 *   nonces), one to sign and one to encrypt, each a `wssc:DerivedKeyToken` naming the token;
 * - the service answers the same way with the same proof key, and the client verifies and
 *   decrypts the answer.
 * As the WSDL's policy asks, the WS-Addressing headers are signed with the body (`SignedParts`)
 * and the signature is encrypted (`EncryptSignature`). Not done: `SignatureConfirmation`.
 */

/** How a message is protected. */
export interface SymmetricProtectOptions {
  /** The issued token: its proof key protects the message. */
  token: SecurityTokenForHeader & { keyIdentifier: string };
  /** Put the assertion into the header (requests: yes; the service's answers: no). */
  includeToken: boolean;
  /** Header blocks (XML text) before the security header, e.g. the WS-Addressing `Action`. */
  headers?: readonly string[];
  /** The body's one element (XML text, its namespaces declared on itself). */
  body: string;
  timestampTtlSeconds?: number;
  now?: () => Date;
  /**
   * Sign and encrypt with keys derived from the proof key (WS-SecureConversation `DerivedKeyToken`,
   * what a policy's `RequireDerivedKeys` asks for) instead of the proof key itself. Default false:
   * the Sign Service WSDL's `IssuedToken` protection token does not require derived keys.
   */
  derivedKeys?: boolean;
  /** Encrypt the signature too (the policy's `EncryptSignature`; default true). */
  encryptSignature?: boolean;
  /** Nonces for the derived keys (default 16 random bytes each). */
  nonce?: () => Buffer;
  /**
   * The `SecurityTokenReference` (XML) by which keys and derived keys name the token (default:
   * the assertion's `SAMLAssertionID` key identifier `token.keyIdentifier`); e.g. a reference to
   * a secure session's context token.
   */
  tokenReference?: string;
}

/** The P_SHA-1 function of TLS 1.0 (RFC 2246, §5) that WS-SecureConversation 1.3 derives keys with. */
export function pSha1(secret: Buffer, seed: Buffer, length: number, offset = 0): Buffer {
  const out: Buffer[] = [];
  let a = seed;
  let have = 0;
  while (have < offset + length) {
    a = createHmac("sha1", secret).update(a).digest();
    const block = createHmac("sha1", secret)
      .update(Buffer.concat([a, seed]))
      .digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(offset, offset + length);
}

/** A derived key of the proof key, as `DerivedKeyToken` describes it (no `Label`: the default one). */
function derive(
  proofKey: Buffer,
  nonce: Buffer,
  length: number,
  offset = 0,
  label?: string,
): Buffer {
  const seed = Buffer.concat([Buffer.from(label ?? DEFAULT_DERIVATION_LABEL, "utf8"), nonce]);
  return pSha1(proofKey, seed, length, offset);
}

const SIGNING_KEY_LENGTH = 24; // Basic256: 192-bit derived signature keys
const ENCRYPTION_KEY_LENGTH = 32; // Basic256: AES-256

function derivedKeyTokenXml(
  id: string,
  tokenReference: string,
  nonce: Buffer,
  length: number,
): string {
  return `<c:DerivedKeyToken xmlns:c="${WSSC_NS}" u:Id="${escapeXml(id)}">${tokenReference}<c:Offset>0</c:Offset><c:Length>${length}</c:Length><c:Nonce>${nonce.toString("base64")}</c:Nonce></c:DerivedKeyToken>`;
}

function strReference(id: string): string {
  return `<o:SecurityTokenReference xmlns:o="${WSSE_NS}"><o:Reference URI="#${escapeXml(id)}"/></o:SecurityTokenReference>`;
}

/** A SOAP 1.2 envelope with its body signed and encrypted with keys derived from the proof key. */
export function protectSymmetric(options: SymmetricProtectOptions): string {
  const { token } = options;
  if (!token.proofKey) {
    throw new WsSecurityError("invalid_token", "The issued token has no proof key to sign with.");
  }
  const proofKey = Buffer.from(token.proofKey, "base64");
  const nonce = options.nonce ?? (() => randomBytes(16));
  const ttl = options.timestampTtlSeconds ?? DEFAULT_TIMESTAMP_TTL_SECONDS;
  const created = (options.now ?? (() => new Date()))();
  const expires = new Date(created.getTime() + ttl * 1000);
  const timestamp = `<u:Timestamp u:Id="_0"><u:Created>${created.toISOString()}</u:Created><u:Expires>${expires.toISOString()}</u:Expires></u:Timestamp>`;
  const open = `<s:Envelope xmlns:s="${SOAP12_NS}" xmlns:u="${WSU_NS}">`;
  const bodyOpen = `<s:Body u:Id="_1">`;

  // With derived keys, the signature and the encrypted data name their DerivedKeyToken; without,
  // they name the token by its key identifier and use the proof key itself.
  const derived = options.derivedKeys ?? false;
  const sigNonce = nonce();
  const encNonce = nonce();
  const sigKey = derived ? derive(proofKey, sigNonce, SIGNING_KEY_LENGTH) : proofKey;
  const encKey = derived ? derive(proofKey, encNonce, ENCRYPTION_KEY_LENGTH) : proofKey;
  if (encKey.length !== ENCRYPTION_KEY_LENGTH) {
    throw new WsSecurityError("invalid_token", "The proof key is not a 256-bit key for AES-256.");
  }
  const tokenReference = options.tokenReference ?? assertionReferenceXml(token.keyIdentifier);
  const sigKeyInfo = derived ? strReference("_2") : tokenReference;
  const encKeyInfo = derived ? strReference("_3") : tokenReference;

  const sig = new SignedXml({
    privateKey: sigKey,
    canonicalizationAlgorithm: EXC_C14N,
    signatureAlgorithm: HMAC_SHA1,
    idMode: "wssecurity",
  });
  sig.enableHMAC();
  sig.getKeyInfoContent = () => sigKeyInfo;
  // The WS-Addressing headers are signed too (the policy's SignedParts), each given a wsu:Id.
  const headers = (options.headers ?? []).map((h, i) => withId(h, `_h${i}`));
  const signedIds = ["_0", ...headers.flatMap((h) => (h.id ? [h.id] : [])), "_1"];
  for (const id of signedIds) {
    sig.addReference({
      xpath: `//*[@*[local-name(.)='Id' and namespace-uri(.)='${WSU_NS}']='${id}']`,
      transforms: [EXC_C14N],
      digestAlgorithm: SHA1,
    });
  }
  const headerXml = headers.map((h) => h.xml).join("");
  sig.computeSignature(
    `${open}<s:Header>${headerXml}<o:Security xmlns:o="${WSSE_NS}">${timestamp}</o:Security></s:Header>${bodyOpen}${options.body}</s:Body></s:Envelope>`,
    { prefix: "ds", location: { reference: "//*[local-name(.)='Security']", action: "append" } },
  );
  const encryptSignature = options.encryptSignature ?? true;
  const signature = encryptSignature
    ? encryptedData("_5", XENC_ELEMENT, sig.getSignatureXml(), encKey, encKeyInfo)
    : sig.getSignatureXml();
  const encrypted = encryptedData("_4", XENC_CONTENT, options.body, encKey, encKeyInfo);
  const dataReferences = `<e:DataReference URI="#_4"/>${encryptSignature ? '<e:DataReference URI="#_5"/>' : ""}`;

  const security = [
    `<o:Security xmlns:o="${WSSE_NS}" s:mustUnderstand="1">`,
    timestamp,
    options.includeToken ? token.tokenXml : "",
    derived ? derivedKeyTokenXml("_2", tokenReference, sigNonce, SIGNING_KEY_LENGTH) : "",
    derived ? derivedKeyTokenXml("_3", tokenReference, encNonce, ENCRYPTION_KEY_LENGTH) : "",
    `<e:ReferenceList xmlns:e="${XENC_NS}">${dataReferences}</e:ReferenceList>`,
    signature,
    "</o:Security>",
  ].join("");
  return `${open}<s:Header>${headerXml}${security}</s:Header>${bodyOpen}${encrypted}</s:Body></s:Envelope>`;
}

/** A WS-Addressing header block with a wsu:Id (others unchanged, without an id). */
function withId(xml: string, id: string): { xml: string; id?: string } {
  // Our own outgoing header, read with the bounded parser to set the attribute on its element.
  const el = parseXml(`<s:Header xmlns:s="${SOAP12_NS}">${xml}</s:Header>`);
  const block = childElements(el)[0];
  if (!block || block.namespaceURI !== WSA_NS) return { xml };
  block.setAttributeNS(WSU_NS, "u:Id", id);
  return { xml: block.toString(), id };
}

/** XML Encryption of `plaintext` with AES-256-CBC (a random IV before the ciphertext). */
function encryptedData(
  id: string,
  type: string,
  plaintext: string,
  key: Buffer,
  keyInfo: string,
): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const value = Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]);
  return `<e:EncryptedData xmlns:e="${XENC_NS}" Id="${id}" Type="${type}"><e:EncryptionMethod Algorithm="${AES256_CBC}"/><KeyInfo xmlns="${DS_NS}">${keyInfo}</KeyInfo><e:CipherData><e:CipherValue>${value.toString("base64")}</e:CipherValue></e:CipherData></e:EncryptedData>`;
}

/** What reading a protected message needs. */
export interface SymmetricOpenPolicy {
  /** The proof key of a token, by its assertion id (see {@link TransportSecurityPolicy.proofKey}). */
  proofKey: TransportSecurityPolicy["proofKey"];
  /**
   * For a service: the header must carry an assertion, checked like this. For a client reading
   * the answer: leave it out (the answer names the token by its key identifier only).
   */
  assertion?: Pick<
    TransportSecurityPolicy,
    "issuerKey" | "issuer" | "audiences" | "assertionSignatureAlgorithms" | "verifiedAssertions"
  >;
  /** Refuse keys that are not derived from the proof key (a policy's `RequireDerivedKeys`). */
  requireDerivedKeys?: boolean;
  /** For a client: the token the answer must be protected with. */
  expectedTokenId?: string;
  maxClockSkewSeconds?: number;
  now?: () => Date;
  replayCache?: ReplayCache;
  xmlLimits?: Partial<XmlLimits>;
}

/** A verified, decrypted message. */
export interface OpenedSymmetricMessage {
  /** The decrypted body element. */
  body: El;
  /** The header blocks other than the security header. */
  headers: El[];
  /** The token's id (the assertion's `AssertionID`). */
  tokenId: string;
  /** The verified assertion, when the policy asked for one. */
  token?: Omit<VerifiedTransportSecurity, "timestamp">;
  timestamp: { created: Date; expires?: Date };
}

/**
 * Verifies and decrypts a message protected by {@link protectSymmetric} (or a WCF peer using the
 * same binding): the body must be encrypted and, decrypted, signed together with the timestamp
 * by a key derived from the token's proof key.
 * @throws WsSecurityError with the code of the first check that fails.
 */
export async function openSymmetric(
  text: string,
  policy: SymmetricOpenPolicy,
): Promise<OpenedSymmetricMessage> {
  const envelope = parseEnvelope(text, "1.2", policy.xmlLimits);
  const securities = envelope.headers.filter((h) =>
    isElement(h, { ns: WSSE_NS, local: "Security" }),
  );
  if (securities.length !== 1) {
    throw new WsSecurityError("invalid_security", "The message must have one security header.");
  }
  const security = securities[0]!;
  const one = (ns: string, local: string, what: string) => {
    const found = kids(security, ns, local);
    if (found.length !== 1) {
      throw new WsSecurityError("invalid_security", `The security header must hold one ${what}.`);
    }
    return found[0]!;
  };
  const now = (policy.now ?? (() => new Date()))();
  const skew = (policy.maxClockSkewSeconds ?? 300) * 1000;
  const timestampEl = one(WSU_NS, "Timestamp", "timestamp");
  let token: Omit<VerifiedTransportSecurity, "timestamp"> | undefined;
  if (policy.assertion) {
    token = verifyAssertion(
      one(SAML11_NS, "Assertion", "SAML 1.1 assertion"),
      policy.assertion,
      now,
      skew,
    );
  }
  const timestamp = readTimestamp(timestampEl);
  checkFreshness(timestamp, now, skew);

  const derivedKeys = new Map<string, El>();
  for (const dk of kids(security, WSSC_NS, "DerivedKeyToken")) {
    const id = dk.getAttributeNS(WSU_NS, "Id");
    if (id) derivedKeys.set(id, dk);
  }
  const keyFor = async (keyInfo: El | undefined) => {
    const str = keyInfo && kid(keyInfo, WSSE_NS, "SecurityTokenReference");
    if (!str) throw new WsSecurityError("invalid_security", "A key is not named.");
    const ref = kid(str, WSSE_NS, "Reference");
    const uri = ref?.getAttribute("URI") ?? "";
    const dk = uri.startsWith("#") ? derivedKeys.get(uri.slice(1)) : undefined;
    if (dk) return deriveFrom(dk, policy, token?.assertionId, security);
    if (ref && !namesContextToken(ref, security)) {
      throw new WsSecurityError(
        "invalid_security",
        "A key refers to no derived key of the header.",
      );
    }
    // The token's key itself, the token named by its key identifier (or a context token).
    if (policy.requireDerivedKeys) {
      throw new WsSecurityError("invalid_security", "The policy requires derived keys.");
    }
    const tokenId = tokenIdOf(str, policy, token?.assertionId, security);
    return { key: await proofKeyOf(tokenId, policy), tokenId };
  };

  /** Decrypts an EncryptedData in place; the token whose key decrypted it. */
  const decryptInPlace = async (encrypted: El): Promise<{ element: El; tokenId: string }> => {
    const { key, tokenId } = await keyFor(kid(encrypted, DS_NS, "KeyInfo"));
    const plaintext = decrypt(encrypted, key);
    let content: El;
    try {
      content = parseXml(plaintext, policy.xmlLimits);
    } catch (e) {
      // The same answer as a failed decryption: a wrong key mostly yields bytes that are not XML.
      throw new WsSecurityError("proof_signature_invalid", "The data could not be decrypted.", {
        cause: e,
      });
    }
    const element = encrypted.ownerDocument?.importNode(content, true) as El | undefined;
    if (!element) throw new WsSecurityError("invalid_security", "The data could not be read.");
    encrypted.parentNode?.replaceChild(element, encrypted);
    return { element, tokenId };
  };

  // Decrypt the body's content first: the signature covers the body as it was before encryption.
  const bodyEl = envelope.body.parentNode as El;
  const encrypted = envelope.body;
  if (
    !isElement(encrypted, { ns: XENC_NS, local: "EncryptedData" }) ||
    encrypted.getAttribute("Type") !== XENC_CONTENT
  ) {
    throw new WsSecurityError("invalid_security", "The body must be encrypted.");
  }
  const { element: imported, tokenId } = await decryptInPlace(encrypted);

  // An encrypted signature (the policy's EncryptSignature) is decrypted where it stands.
  const encryptedSignatures = kids(security, XENC_NS, "EncryptedData").filter(
    (e) => e.getAttribute("Type") === XENC_ELEMENT,
  );
  if (encryptedSignatures.length > 1) {
    throw new WsSecurityError("invalid_security", "More than one encrypted element in the header.");
  }
  if (encryptedSignatures[0]) {
    const { element, tokenId: id } = await decryptInPlace(encryptedSignatures[0]);
    if (!isElement(element, { ns: DS_NS, local: "Signature" }) || id !== tokenId) {
      throw new WsSecurityError("invalid_security", "The encrypted signature is not one.");
    }
  }
  const signatureEl = one(DS_NS, "Signature", "signature");
  const { key: sigKey, tokenId: sigTokenId } = await keyFor(kid(signatureEl, DS_NS, "KeyInfo"));
  if (sigTokenId !== tokenId) {
    throw new WsSecurityError(
      "invalid_security",
      "The body is signed and encrypted with different tokens.",
    );
  }
  // Signed: the timestamp, every WS-Addressing header, the body.
  const signedEls = [
    timestampEl,
    ...envelope.headers.filter((h) => h.namespaceURI === WSA_NS),
    bodyEl,
  ];
  const ids = signedEls.map((e) => e.getAttributeNS(WSU_NS, "Id") ?? "");
  if (ids.some((id) => !id)) {
    throw new WsSecurityError(
      "invalid_security",
      "The timestamp, the addressing headers and the body must each have a wsu:Id.",
    );
  }
  const signatureValue = checkSignature({
    signature: signatureEl,
    // Only the signed elements, each serialised with the namespaces it uses: exclusive C14N
    // gives them the same canonical form as in the envelope, and nothing else can be referenced.
    signed: `<w>${signedEls.map((e) => e.toString()).join("")}</w>`,
    ids,
    algorithms: [HMAC_SHA1],
    transforms: [[EXC_C14N]],
    key: sigKey,
    hmac: true,
    failure: "proof_signature_invalid",
    what: "The message signature",
  });
  remember(policy.replayCache, timestamp, signatureValue, now, skew);
  return {
    body: imported,
    headers: envelope.headers.filter((h) => h !== security),
    tokenId,
    ...(token ? { token } : {}),
    timestamp,
  };
}

/** Whether a `Reference` names a security context token (by its value type or its `wsu:Id`). */
function namesContextToken(ref: El, security: El): boolean {
  if (ref.getAttribute("ValueType") === SCT_TOKEN_TYPE) return true;
  const uri = ref.getAttribute("URI") ?? "";
  return (
    uri.startsWith("#") &&
    kids(security, WSSC_NS, "SecurityContextToken").some(
      (t) => t.getAttributeNS(WSU_NS, "Id") === uri.slice(1),
    )
  );
}

/**
 * The token a `SecurityTokenReference` names, checked: an assertion by its SAMLAssertionID key
 * identifier, or a security context token by its identifier.
 */
function tokenIdOf(
  str: El,
  policy: SymmetricOpenPolicy,
  assertionId: string | undefined,
  security: El,
): string {
  const ref = kid(str, WSSE_NS, "Reference");
  if (ref && namesContextToken(ref, security)) {
    const identifier = referencedContext(str, security);
    if (policy.expectedTokenId !== undefined && identifier !== policy.expectedTokenId) {
      throw new WsSecurityError("invalid_security", "The message is protected with another token.");
    }
    return identifier;
  }
  const keyIds = kids(str, WSSE_NS, "KeyIdentifier");
  const tokenId = keyIds.length === 1 ? (keyIds[0]!.textContent ?? "").trim() : "";
  if (!tokenId || keyIds[0]!.getAttribute("ValueType") !== SAML_ASSERTION_ID_VALUE_TYPE) {
    throw new WsSecurityError(
      "invalid_security",
      "A key must name the token by its SAMLAssertionID key identifier.",
    );
  }
  if (assertionId !== undefined && tokenId !== assertionId) {
    throw new WsSecurityError(
      "invalid_security",
      "A key belongs to another token than the header's.",
    );
  }
  if (policy.expectedTokenId !== undefined && tokenId !== policy.expectedTokenId) {
    throw new WsSecurityError("invalid_security", "The message is protected with another token.");
  }
  return tokenId;
}

async function deriveFrom(
  dk: El,
  policy: SymmetricOpenPolicy,
  assertionId: string | undefined,
  security: El,
): Promise<{ key: Buffer; tokenId: string }> {
  const algorithm = dk.getAttribute("Algorithm");
  if (algorithm && algorithm !== P_SHA1) {
    throw new WsSecurityError("unsupported_algorithm", "Keys may only be derived with P_SHA-1.");
  }
  const str = kid(dk, WSSE_NS, "SecurityTokenReference");
  if (!str) throw new WsSecurityError("invalid_security", "A derived key names no token.");
  const tokenId = tokenIdOf(str, policy, assertionId, security);
  const secret = await proofKeyOf(tokenId, policy);
  const num = (local: string, fallback: number) => {
    const el = kid(dk, WSSC_NS, local);
    const t = (el?.textContent ?? "").trim();
    return el ? (/^\d{1,3}$/.test(t) ? Number(t) : Number.NaN) : fallback;
  };
  const length = num("Length", 32);
  const offset = num("Offset", 0);
  const nonce = Buffer.from((kid(dk, WSSC_NS, "Nonce")?.textContent ?? "").trim(), "base64");
  const label = kid(dk, WSSC_NS, "Label")?.textContent ?? undefined;
  if (
    !(length >= 16 && length <= 64) ||
    !(offset >= 0 && offset <= 1024) ||
    nonce.length < 8 ||
    kid(dk, WSSC_NS, "Generation")
  ) {
    throw new WsSecurityError(
      "invalid_security",
      "A derived key has an invalid length, offset or nonce.",
    );
  }
  return { key: derive(secret, nonce, length, offset, label), tokenId };
}

function decrypt(encrypted: El, key: Buffer): string {
  const algorithm = kid(encrypted, XENC_NS, "EncryptionMethod")?.getAttribute("Algorithm");
  const size = algorithm === AES256_CBC ? 32 : algorithm === AES128_CBC ? 16 : 0;
  if (!size)
    throw new WsSecurityError(
      "unsupported_algorithm",
      "The body is encrypted with an algorithm not allowed here.",
    );
  if (key.length !== size)
    throw new WsSecurityError("invalid_security", "The encryption key has the wrong length.");
  const data = kid(encrypted, XENC_NS, "CipherData");
  const value = Buffer.from(
    (kid(data ?? encrypted, XENC_NS, "CipherValue")?.textContent ?? "").replace(/\s+/g, ""),
    "base64",
  );
  if (value.length < 32 || value.length % 16 !== 0) {
    throw new WsSecurityError("proof_signature_invalid", "The body could not be decrypted.");
  }
  try {
    // XML Encryption's padding: the last byte counts the padding; the others may be anything.
    const d = createDecipheriv(
      size === 32 ? "aes-256-cbc" : "aes-128-cbc",
      key,
      value.subarray(0, 16),
    );
    d.setAutoPadding(false);
    const plain = Buffer.concat([d.update(value.subarray(16)), d.final()]);
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > 16) throw new Error("padding");
    return new TextDecoder("utf-8", { fatal: true }).decode(plain.subarray(0, plain.length - pad));
  } catch (e) {
    throw new WsSecurityError("proof_signature_invalid", "The body could not be decrypted.", {
      cause: e,
    });
  }
}
