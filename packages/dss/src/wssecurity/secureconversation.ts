import { randomBytes, randomUUID } from "node:crypto";
import {
  escapeXml,
  isElement,
  parseEnvelope,
  type SoapEnvelope,
  type XmlLimits,
} from "@trustspec/runtime/soap";
import { DS_NS, SCT_TOKEN_TYPE, WSSC_NS, WSSE_NS, WSU_NS } from "./constants.js";
import { WsSecurityError } from "./errors.js";
import type { ReplayCache } from "./replay.js";
import { pSha1 } from "./symmetric.js";
import { endorsedSecurityHeader, type TransportSecurityHeaderOptions } from "./transport.js";
import {
  checkEndorsingSignature,
  checkFreshness,
  type El,
  kid,
  kids,
  readTimestamp,
  referencedContext,
  remember,
} from "./verify.js";

/**
 * WS-SecureConversation 1.3 (OASIS, `http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512`)
 * as a WCF `wsHttpBinding` with `establishSecurityContext` uses it, for the Sign Service's
 * endpoints with a secure session (`token`, `token/transport` and their `federation` twins; the
 * WSDL's `SecureConversationToken` with its `BootstrapPolicy`):
 * - the client asks for a Security Context Token with an RST whose action is `…/RST/SCT`
 *   (WS-SecureConversation 1.3, §3), protected by the bootstrap binding (the issued token), with
 *   its own entropy (WS-Trust 1.3, §4.4.3: a `Nonce` `BinarySecret`);
 * - the service answers an RSTR (`…/RSTR/SCT`) holding the `wsc:SecurityContextToken` with its
 *   `wsc:Identifier`, a `RequestedProofToken` whose `ComputedKey` is `…/CK/PSHA1` (the session
 *   key is P_SHA-1 of the client's entropy as secret and the service's as seed, WS-Trust 1.3,
 *   §4.4.4), its own entropy and the session's `Lifetime`;
 * - later messages are protected with the session key: over HTTPS the token endorsing the
 *   timestamp, else the symmetric binding with keys derived from it (`DerivedKeyToken`s naming
 *   the context token);
 * - the client ends the session with `…/RST/SCT/Cancel` (§6), protected by the session.
 * An unknown, expired or cancelled session is refused with `wsc:BadContextToken` (§8).
 */

/** WS-Trust 1.3. */
export const WST_NS = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
/** The action of a request for a Security Context Token. */
export const RST_SCT_ACTION = `${WST_NS}/RST/SCT`;
/** The action of its answer. */
export const RSTR_SCT_ACTION = `${WST_NS}/RSTR/SCT`;
/** The action of a request to cancel a session. */
export const RST_SCT_CANCEL_ACTION = `${WST_NS}/RST/SCT/Cancel`;
/** The action of its answer. */
export const RSTR_SCT_CANCEL_ACTION = `${WST_NS}/RSTR/SCT/Cancel`;
const ISSUE = `${WST_NS}/Issue`;
const CANCEL = `${WST_NS}/Cancel`;
const NONCE = `${WST_NS}/Nonce`;
/** The computed-key algorithm: P_SHA-1 of both parties' entropy (WS-Trust 1.3, §4.4.4). */
export const CK_PSHA1 = `${WST_NS}/CK/PSHA1`;
/** The session key's size in bits (Basic256). */
const KEY_BITS = 256;

/** A secure session as its client holds it. */
export interface SecurityContext {
  /** The `wsc:Identifier` (a `urn:uuid:…`). */
  identifier: string;
  /** The token's `wsu:Id` in the RSTR, by which a message that carries it refers to it. */
  tokenId: string;
  /** The `wsc:SecurityContextToken` as the service sent it. */
  tokenXml: string;
  /** The session key. */
  key: Buffer;
  /** When the session ends (the RSTR's `Lifetime/Expires`), when given. */
  expires?: Date;
}

/** A fresh entropy for a request or answer (32 bytes). */
export function newEntropy(): Buffer {
  return randomBytes(KEY_BITS / 8);
}

/** The session key from both parties' entropy (P_SHA-1, the client's as secret). */
export function computedKey(clientEntropy: Buffer, serverEntropy: Buffer): Buffer {
  return pSha1(clientEntropy, serverEntropy, KEY_BITS / 8);
}

/** The body of an RST for a Security Context Token, with the client's entropy. */
export function sctRequestXml(clientEntropy: Buffer): string {
  return `<t:RequestSecurityToken xmlns:t="${WST_NS}"><t:TokenType>${SCT_TOKEN_TYPE}</t:TokenType><t:RequestType>${ISSUE}</t:RequestType><t:Entropy><t:BinarySecret Type="${NONCE}">${clientEntropy.toString("base64")}</t:BinarySecret></t:Entropy><t:KeySize>${KEY_BITS}</t:KeySize></t:RequestSecurityToken>`;
}

/** The `SecurityTokenReference` to a context token carried in the same message (by its `wsu:Id`). */
export function sctLocalReferenceXml(tokenId: string): string {
  return `<o:SecurityTokenReference xmlns:o="${WSSE_NS}"><o:Reference URI="#${escapeXml(tokenId)}" ValueType="${SCT_TOKEN_TYPE}"/></o:SecurityTokenReference>`;
}

/** The `SecurityTokenReference` to a context token by its identifier (not carried in the message). */
export function sctReferenceXml(identifier: string): string {
  return `<o:SecurityTokenReference xmlns:o="${WSSE_NS}"><o:Reference URI="${escapeXml(identifier)}" ValueType="${SCT_TOKEN_TYPE}"/></o:SecurityTokenReference>`;
}

/** A new Security Context Token's XML, its identifier and `wsu:Id`. */
export function newSecurityContextToken(): { identifier: string; tokenId: string; xml: string } {
  const identifier = `urn:uuid:${randomUUID()}`;
  const tokenId = `uuid-${randomUUID()}-1`;
  return {
    identifier,
    tokenId,
    xml: `<c:SecurityContextToken xmlns:c="${WSSC_NS}" xmlns:u="${WSU_NS}" u:Id="${tokenId}"><c:Identifier>${identifier}</c:Identifier></c:SecurityContextToken>`,
  };
}

/** The body of the service's RSTR issuing a context token. */
export function sctResponseXml(r: {
  token: { identifier: string; tokenId: string; xml: string };
  serverEntropy: Buffer;
  created: Date;
  expires: Date;
}): string {
  const u = `xmlns:u="${WSU_NS}"`;
  return `<t:RequestSecurityTokenResponseCollection xmlns:t="${WST_NS}"><t:RequestSecurityTokenResponse><t:TokenType>${SCT_TOKEN_TYPE}</t:TokenType><t:RequestedSecurityToken>${r.token.xml}</t:RequestedSecurityToken><t:RequestedAttachedReference>${sctLocalReferenceXml(r.token.tokenId)}</t:RequestedAttachedReference><t:RequestedUnattachedReference>${sctReferenceXml(r.token.identifier)}</t:RequestedUnattachedReference><t:RequestedProofToken><t:ComputedKey>${CK_PSHA1}</t:ComputedKey></t:RequestedProofToken><t:Entropy><t:BinarySecret Type="${NONCE}">${r.serverEntropy.toString("base64")}</t:BinarySecret></t:Entropy><t:Lifetime><u:Created ${u}>${r.created.toISOString()}</u:Created><u:Expires ${u}>${r.expires.toISOString()}</u:Expires></t:Lifetime><t:KeySize>${KEY_BITS}</t:KeySize></t:RequestSecurityTokenResponse></t:RequestSecurityTokenResponseCollection>`;
}

/** The body of the RST cancelling a session. */
export function sctCancelXml(identifier: string): string {
  return `<t:RequestSecurityToken xmlns:t="${WST_NS}"><t:RequestType>${CANCEL}</t:RequestType><t:CancelTarget>${sctReferenceXml(identifier)}</t:CancelTarget></t:RequestSecurityToken>`;
}

/** The body of the service's answer to a cancel. */
export function sctCancelResponseXml(): string {
  return `<t:RequestSecurityTokenResponse xmlns:t="${WST_NS}"><t:RequestedTokenCancelled/></t:RequestSecurityTokenResponse>`;
}

const bad = (message: string) => new WsSecurityError("invalid_security", message);
const text = (el: El | undefined) => (el?.textContent ?? "").trim();

/** The client's entropy of an RST for a context token (the request's body element). */
export function readSctRequest(body: El): { clientEntropy: Buffer } {
  if (!isElement(body, { ns: WST_NS, local: "RequestSecurityToken" })) {
    throw bad("The request is not a RequestSecurityToken.");
  }
  if (text(kid(body, WST_NS, "RequestType")) !== ISSUE) throw bad("Only Issue is asked here.");
  const tokenType = kid(body, WST_NS, "TokenType");
  if (tokenType && text(tokenType) !== SCT_TOKEN_TYPE) throw bad("Only context tokens are issued.");
  const entropy = kid(body, WST_NS, "Entropy");
  const secret = entropy && kid(entropy, WST_NS, "BinarySecret");
  const clientEntropy = Buffer.from(text(secret), "base64");
  if (!secret || clientEntropy.length < 16 || clientEntropy.length > 128) {
    throw bad("The request must carry the client's entropy (16 to 128 bytes).");
  }
  return { clientEntropy };
}

/** The identifier a cancel RST names (the request's body element). */
export function readSctCancel(body: El): string {
  if (
    !isElement(body, { ns: WST_NS, local: "RequestSecurityToken" }) ||
    text(kid(body, WST_NS, "RequestType")) !== CANCEL
  ) {
    throw bad("The request is not a Cancel RequestSecurityToken.");
  }
  const target = kid(body, WST_NS, "CancelTarget");
  const str = target && kid(target, WSSE_NS, "SecurityTokenReference");
  const ref = str && kid(str, WSSE_NS, "Reference");
  const uri = ref?.getAttribute("URI") ?? "";
  if (!uri || uri.startsWith("#")) throw bad("The cancel names no context token.");
  return uri;
}

/**
 * The session a service's RSTR establishes, with the client's entropy.
 * @throws WsSecurityError `invalid_security` when the answer is not a usable RSTR.
 */
export function readSctResponse(body: El, clientEntropy: Buffer): SecurityContext {
  const rstr = isElement(body, { ns: WST_NS, local: "RequestSecurityTokenResponseCollection" })
    ? kid(body, WST_NS, "RequestSecurityTokenResponse")
    : isElement(body, { ns: WST_NS, local: "RequestSecurityTokenResponse" })
      ? body
      : undefined;
  if (!rstr) throw bad("The answer is not a RequestSecurityTokenResponse.");
  const requested = kid(rstr, WST_NS, "RequestedSecurityToken");
  const sct = requested && kid(requested, WSSC_NS, "SecurityContextToken");
  const identifier = text(sct && kid(sct, WSSC_NS, "Identifier"));
  if (!sct || !identifier) throw bad("The answer holds no security context token.");
  const proof = kid(rstr, WST_NS, "RequestedProofToken");
  let key: Buffer;
  const computed = proof && kid(proof, WST_NS, "ComputedKey");
  if (computed) {
    if (text(computed) !== CK_PSHA1) {
      throw new WsSecurityError("unsupported_algorithm", "The session key is computed otherwise.");
    }
    const entropy = kid(rstr, WST_NS, "Entropy");
    const serverEntropy = Buffer.from(
      text(entropy && kid(entropy, WST_NS, "BinarySecret")),
      "base64",
    );
    if (serverEntropy.length < 16) throw bad("The answer carries no entropy of the service.");
    key = computedKey(clientEntropy, serverEntropy);
  } else {
    const secret = proof && kid(proof, WST_NS, "BinarySecret");
    key = Buffer.from(text(secret), "base64");
    if (key.length < 16) throw bad("The answer holds no session key.");
  }
  const lifetime = kid(rstr, WST_NS, "Lifetime");
  const expiresText = text(lifetime && kid(lifetime, WSU_NS, "Expires"));
  const expires = expiresText ? new Date(expiresText) : undefined;
  return {
    identifier,
    tokenId: sct.getAttributeNS(WSU_NS, "Id") ?? "",
    tokenXml: sct.toString(),
    key,
    ...(expires && !Number.isNaN(expires.getTime()) ? { expires } : {}),
  };
}

/**
 * The `wsse:Security` header of a request over a transport-bound session (`token/transport`):
 * a timestamp, the context token, and an HMAC-SHA1 signature over the timestamp with the
 * session key, naming the token it carries.
 */
export function sessionTransportSecurityHeader(
  context: SecurityContext,
  options: Omit<TransportSecurityHeaderOptions, "token"> = {},
): string {
  return endorsedSecurityHeader(
    context.tokenXml,
    context.key,
    sctLocalReferenceXml(context.tokenId),
    options,
  );
}

/** The session key of a context token, by its identifier; `undefined` when unknown or ended. */
export type SessionKeyLookup = (identifier: string) => Buffer | undefined;

/** The session key, or `wsc:BadContextToken`. */
export function sessionKeyOf(identifier: string, lookup: SessionKeyLookup): Buffer {
  const key = lookup(identifier);
  if (!key) {
    throw new WsSecurityError(
      "bad_context_token",
      "The security context token is unknown, expired or cancelled.",
    );
  }
  return key;
}

/** What the service needs to check a message of a transport-bound session. */
export interface SessionTransportPolicy {
  sessionKey: SessionKeyLookup;
  replayCache?: ReplayCache;
  maxClockSkewSeconds?: number;
  now?: () => Date;
  xmlLimits?: Partial<XmlLimits>;
}

/**
 * Verifies a request of a transport-bound session: one timestamp, fresh; the context token; the
 * signature over the timestamp alone with the key of the session it names; not seen before.
 * Returns the session's identifier.
 * @throws WsSecurityError (`bad_context_token` for an unknown or ended session).
 */
export function verifySessionTransportSecurity(
  message: SoapEnvelope | string,
  policy: SessionTransportPolicy,
): { identifier: string; envelope: SoapEnvelope } {
  const envelope =
    typeof message === "string" ? parseEnvelope(message, "1.2", policy.xmlLimits) : message;
  const headers = envelope.headers.filter((h) => isElement(h, { ns: WSSE_NS, local: "Security" }));
  if (headers.length !== 1) throw bad("The message must have one security header.");
  const security = headers[0]!;
  const one = (ns: string, local: string, what: string) => {
    const found = kids(security, ns, local);
    if (found.length !== 1) throw bad(`The security header must hold one ${what}.`);
    return found[0]!;
  };
  const timestampEl = one(WSU_NS, "Timestamp", "timestamp");
  const signatureEl = one(DS_NS, "Signature", "endorsing signature");
  const now = (policy.now ?? (() => new Date()))();
  const skew = (policy.maxClockSkewSeconds ?? 300) * 1000;
  const timestamp = readTimestamp(timestampEl);
  checkFreshness(timestamp, now, skew);
  const keyInfo = kid(signatureEl, DS_NS, "KeyInfo");
  const str = keyInfo && kid(keyInfo, WSSE_NS, "SecurityTokenReference");
  if (!str) throw bad("The endorsing signature names no key.");
  const identifier = referencedContext(str, security);
  const key = sessionKeyOf(identifier, policy.sessionKey);
  const signatureValue = checkEndorsingSignature(signatureEl, timestampEl, key);
  remember(policy.replayCache, timestamp, signatureValue, now, skew);
  return { identifier, envelope };
}
