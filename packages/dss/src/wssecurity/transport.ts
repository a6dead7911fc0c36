import { escapeText, escapeXml, parseXml } from "@trustspec/runtime/soap";
import { SignedXml } from "xml-crypto";
import {
  EXC_C14N,
  HMAC_SHA1,
  SAML_ASSERTION_ID_VALUE_TYPE,
  SAML11_NS,
  SAML11_TOKEN_TYPE,
  SHA1,
  WSSE_NS,
  WSSE11_NS,
  WSU_NS,
} from "./constants.js";
import { WsSecurityError } from "./errors.js";

/**
 * The client's `wsse:Security` header for the Sign Service's `token/transport/nosc` endpoint
 * (HTTPS, an issued token, no secure session).
 *
 * What the DSS developer guide (edition ЖТЯИ.00096-02 97 01) documents: the endpoint and its
 * meaning (ch. 2, lines 925-973), that the token from `RequestedSecurityToken` goes into the SOAP
 * header "as a new XML node, in the same form in which it was received", and that the key of
 * `RequestedProofToken` must be used to protect the messages, `RequestedAttachedReference`
 * serving to refer to it (§6.3.1, end, lines 10479-10497; the reference's shape, lines 10411-10435).
 *
 * What the guide leaves to the specifications, and where it comes from here: the header holds a
 * `wsu:Timestamp` (WS-Security: SOAP Message Security 1.1, §10) and the proof key "protects" the message as an
 * endorsing supporting token of the transport binding (WS-SecurityPolicy 1.2: `TransportBinding` with `EndorsingSupportingTokens`;
 * what WCF's `IssuedTokenOverTransport` sends): an HMAC-SHA1 `ds:Signature` over the timestamp,
 * exclusive C14N, its `KeyInfo` a `wsse:SecurityTokenReference` with the assertion's
 * `SAMLAssertionID` key identifier (WS-Security SAML Token Profile 1.1).
 */

/** The token the header carries: the fields the WS-Trust client's `IssuedSecurityToken` has. */
export interface SecurityTokenForHeader {
  /** The RequestedSecurityToken's content as received: a SAML 1.1 assertion. */
  tokenXml: string;
  /** The proof key from RequestedProofToken/BinarySecret, base64. */
  proofKey?: string;
  /** The KeyIdentifier of RequestedAttachedReference; read from the assertion when absent. */
  keyIdentifier?: string;
}

/** How the header is made. */
export interface TransportSecurityHeaderOptions {
  token: SecurityTokenForHeader;
  /** How long the timestamp is valid, in seconds (default 300, WCF's default). */
  timestampTtlSeconds?: number;
  /** The clock (default `() => new Date()`). */
  now?: () => Date;
  /** The timestamp's `wsu:Id` (default `_0`, as WCF writes it). */
  timestampId?: string;
}

/** The default lifetime of a message's timestamp, in seconds. */
export const DEFAULT_TIMESTAMP_TTL_SECONDS = 300;

/**
 * The `wsse:Security` header block (with `s:mustUnderstand="1"`, the SOAP 1.2 envelope's `s`
 * prefix): the timestamp, the assertion exactly as received, and the endorsing signature.
 * @throws WsSecurityError `invalid_token` when the token has no proof key or no assertion id.
 */
export function transportSecurityHeader(options: TransportSecurityHeaderOptions): string {
  const { token } = options;
  if (!token.proofKey) {
    throw new WsSecurityError("invalid_token", "The issued token has no proof key to sign with.");
  }
  const key = Buffer.from(token.proofKey, "base64");
  const assertionId = token.keyIdentifier ?? assertionIdOf(token.tokenXml);
  return endorsedSecurityHeader(token.tokenXml, key, assertionReferenceXml(assertionId), options);
}

/**
 * A `wsse:Security` header block (`s:mustUnderstand="1"`) with a fresh `wsu:Timestamp`, the token
 * (`tokenXml`, as it is) and an endorsing HMAC-SHA1 signature over the timestamp with `key`, whose
 * `KeyInfo` is `keyInfo` (the reference to the token): the transport binding's header for any
 * endorsing token with a symmetric key (an issued token's proof key, a secure session's key).
 */
export function endorsedSecurityHeader(
  tokenXml: string,
  key: Buffer,
  keyInfo: string,
  options: Omit<TransportSecurityHeaderOptions, "token">,
): string {
  const ttl = options.timestampTtlSeconds ?? DEFAULT_TIMESTAMP_TTL_SECONDS;
  if (!(ttl > 0)) throw new RangeError("timestampTtlSeconds must be a positive number");
  const created = (options.now ?? (() => new Date()))();
  const expires = new Date(created.getTime() + ttl * 1000);
  const id = options.timestampId ?? "_0";
  const timestamp = `<u:Timestamp xmlns:u="${WSU_NS}" u:Id="${escapeXml(id)}"><u:Created>${created.toISOString()}</u:Created><u:Expires>${expires.toISOString()}</u:Expires></u:Timestamp>`;
  const signature = endorsingSignature(timestamp, id, key, keyInfo);
  return `<o:Security xmlns:o="${WSSE_NS}" s:mustUnderstand="1">${timestamp}${tokenXml}${signature}</o:Security>`;
}

/** The `SecurityTokenReference` to an assertion, in the shape of the guide's RequestedAttachedReference. */
export function assertionReferenceXml(assertionId: string): string {
  return `<o:SecurityTokenReference xmlns:o="${WSSE_NS}" xmlns:k="${WSSE11_NS}" k:TokenType="${SAML11_TOKEN_TYPE}"><o:KeyIdentifier ValueType="${SAML_ASSERTION_ID_VALUE_TYPE}">${escapeText(assertionId)}</o:KeyIdentifier></o:SecurityTokenReference>`;
}

function endorsingSignature(timestamp: string, id: string, key: Buffer, keyInfo: string): string {
  const sig = new SignedXml({
    privateKey: key,
    canonicalizationAlgorithm: EXC_C14N,
    signatureAlgorithm: HMAC_SHA1,
    idMode: "wssecurity",
  });
  sig.enableHMAC();
  // enableHMAC() drops any KeyInfo; the proof key is named by the token it belongs to.
  sig.getKeyInfoContent = () => keyInfo;
  sig.addReference({
    xpath: `/*/*[local-name(.)='Timestamp' and namespace-uri(.)='${WSU_NS}']`,
    transforms: [EXC_C14N],
    digestAlgorithm: SHA1,
  });
  // Signed inside a wrapper, so the signature can follow the timestamp; exclusive C14N makes the
  // timestamp's canonical form the same here and in the header.
  sig.computeSignature(`<w>${timestamp}</w>`, {
    prefix: "ds",
    location: { reference: "/*", action: "append" },
  });
  const reference = sig.getSignedXml().includes(`URI="#${id}"`);
  if (!reference) throw new Error("the endorsing signature does not reference the timestamp");
  return sig.getSignatureXml();
}

/** The `AssertionID` of a SAML 1.1 assertion (read with the bounded parser). */
export function assertionIdOf(tokenXml: string): string {
  let id: string | null = null;
  try {
    const el = parseXml(tokenXml);
    if (el.namespaceURI === SAML11_NS && el.localName === "Assertion") {
      id = el.getAttribute("AssertionID");
    }
  } catch (e) {
    throw new WsSecurityError("invalid_token", "The issued token is not well-formed XML.", {
      cause: e,
    });
  }
  if (!id) {
    throw new WsSecurityError(
      "invalid_token",
      "The issued token is not a SAML 1.1 assertion with an AssertionID, and no key identifier was given.",
    );
  }
  return id;
}
