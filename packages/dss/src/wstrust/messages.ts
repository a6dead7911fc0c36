import {
  buildEnvelope,
  childElements,
  escapeText,
  escapeXml,
  isElement,
  type SoapEnvelope,
} from "@trustspec/runtime/soap";

/**
 * WS-Trust 1.3 messages of the DSS identity centre (guide 6.3.1, lines 9882-10400; 6.7.1,
 * lines 11652-11740; 7.1.1, lines 11978-12110): the RST that asks for a token, the RSTR with an
 * InteractiveChallenge (WS-Trust 1.4 User Interactive Challenge), the client's RSTR with the
 * InteractiveChallengeResponse, and the final RSTR(C) with the token. Written with the prefixes
 * of the guide's examples, so that our messages and the guide's compare equal.
 */

export const NS = {
  soap12: "http://www.w3.org/2003/05/soap-envelope",
  addressing: "http://www.w3.org/2005/08/addressing",
  trust: "http://docs.oasis-open.org/ws-sx/ws-trust/200512",
  /** The InteractiveChallenge elements (ws-trust 1.4 namespace, as in the guide's examples). */
  challenge: "http://docs.oasis-open.org/ws-sx/ws-trust/200802",
  policy: "http://schemas.xmlsoap.org/ws/2004/09/policy",
  auth: "http://docs.oasis-open.org/wsfed/authorization/200706",
  wsse: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
  wsu: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
} as const;

/** The actions of the exchange (guide lines 10181, 10302, 10351). */
export const ACTIONS = {
  issue: "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue",
  challengeResponse: "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/Issue",
  issueFinal: "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTRC/IssueFinal",
} as const;

/** The WS-Trust request type of an RST that asks for a token. */
export const REQUEST_TYPE_ISSUE = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue";
/** The WS-Trust key type of a token with a symmetric proof key. */
export const KEY_TYPE_SYMMETRIC = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey";
/** The WS-Trust key type of a bearer token (no proof key). */
export const KEY_TYPE_BEARER = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer";
export const CLAIMS_DIALECT = "http://docs.oasis-open.org/wsfed/authorization/200706/authclaims";

/**
 * The DSS claim URIs. The transaction claim is `dsstransactiontokenid` in the RST example
 * (guide line 10165) and in the .NET sample's `CustomClaimTypes.DssTransactionTokenId`, but
 * `dsstransactionid` in the text of 7.1.1 (line 12031): we send the example's name and accept
 * both when parsing.
 */
export const CLAIMS = {
  transactionTokenId: "http://dss.cryptopro.ru/identity/claims/dsstransactiontokenid",
  transactionId: "http://dss.cryptopro.ru/identity/claims/dsstransactionid",
  transactionExpireDate: "http://dss.cryptopro.ru/identity/claims/dsstransactionexpiredate",
  confirmationScope: "http://dss.cryptopro.ru/identity/claims/confirmationscope",
  confirmationScopeParam: "http://dss.cryptopro.ru/identity/claims/confirmationscopeparam",
  /** The ContextItem with the text shown in the one-time password message (line 12001). */
  confirmationText: "http://dss.cryptopro.ru/identity/confirmationtext",
} as const;

/** What a RequestSecurityToken asks for. */
export interface RequestSecurityToken {
  /** The relying party: the Signature Service endpoint the token is for (line 10185). */
  appliesTo: string;
  /** `trust:TokenType`, when a particular token type is wanted. */
  tokenType?: string;
  /** Default: SymmetricKey, which the guide requires (line 10197). */
  keyType?: string;
  /** The transaction to confirm: sent as the `dsstransactiontokenid` claim. */
  transactionId?: string;
  /** Ask for the transaction's expiry date claim too, as the guide's example does. */
  transactionExpireDate?: boolean;
  /** Other claims, by URI; `value` absent for a claim without a value. */
  claims?: { uri: string; value?: string; optional?: boolean }[];
  /** AdditionalContext items (6.7.1: the confirmation scope and its template parameters). */
  additionalContext?: { name: string; value: string }[];
}

function appliesToXml(address: string): string {
  return `<wsp:AppliesTo xmlns:wsp="${NS.policy}"><wsa:EndpointReference xmlns:wsa="${NS.addressing}"><wsa:Address>${escapeText(address)}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>`;
}

/** The RequestSecurityToken element (the body of the first message). */
export function requestSecurityTokenXml(rst: RequestSecurityToken): string {
  const parts: string[] = [appliesToXml(rst.appliesTo)];
  if (rst.tokenType) parts.push(`<trust:TokenType>${escapeText(rst.tokenType)}</trust:TokenType>`);
  const claims = [...(rst.claims ?? [])];
  if (rst.transactionId !== undefined)
    claims.unshift({ uri: CLAIMS.transactionTokenId, value: rst.transactionId });
  if (rst.transactionExpireDate) claims.push({ uri: CLAIMS.transactionExpireDate });
  if (claims.length) {
    const items = claims
      .map((c) => {
        const open = `<auth:ClaimType Uri="${escapeXml(c.uri)}" Optional="${c.optional ? "true" : "false"}"`;
        return c.value === undefined
          ? `${open}/>`
          : `${open}><auth:Value>${escapeText(c.value)}</auth:Value></auth:ClaimType>`;
      })
      .join("");
    parts.push(
      `<trust:Claims xmlns:auth="${NS.auth}" Dialect="${CLAIMS_DIALECT}">${items}</trust:Claims>`,
    );
  }
  parts.push(`<trust:KeyType>${escapeText(rst.keyType ?? KEY_TYPE_SYMMETRIC)}</trust:KeyType>`);
  parts.push(`<trust:RequestType>${REQUEST_TYPE_ISSUE}</trust:RequestType>`);
  if (rst.additionalContext?.length) {
    const items = rst.additionalContext
      .map(
        (i) =>
          `<auth:ContextItem Name="${escapeXml(i.name)}"><auth:Value>${escapeText(i.value)}</auth:Value></auth:ContextItem>`,
      )
      .join("");
    parts.push(`<auth:AdditionalContext xmlns:auth="${NS.auth}">${items}</auth:AdditionalContext>`);
  }
  return `<trust:RequestSecurityToken xmlns:trust="${NS.trust}">${parts.join("")}</trust:RequestSecurityToken>`;
}

/** The client's answer to a challenge: an RSTR collection with the InteractiveChallengeResponse. */
export function challengeResponseXml(init: {
  appliesTo: string;
  answers: { refId: string; value: string }[];
}): string {
  const answers = init.answers
    .map(
      (a) =>
        `<TextChallengeResponse RefId="${escapeXml(a.refId)}">${escapeText(a.value)}</TextChallengeResponse>`,
    )
    .join("");
  return `<trust:RequestSecurityTokenResponseCollection xmlns:trust="${NS.trust}"><trust:RequestSecurityTokenResponse><InteractiveChallengeResponse xmlns="${NS.challenge}">${answers}</InteractiveChallengeResponse>${appliesToXml(init.appliesTo)}<trust:RequestType>${REQUEST_TYPE_ISSUE}</trust:RequestType></trust:RequestSecurityTokenResponse></trust:RequestSecurityTokenResponseCollection>`;
}

/** A SOAP 1.2 message with the WS-Addressing action (and further header blocks). */
export function trustEnvelope(action: string, body: string, headers: string[] = []): string {
  return buildEnvelope("1.2", body, [actionHeader(action), ...headers]);
}

export function actionHeader(action: string): string {
  return `<a:Action xmlns:a="${NS.addressing}" s:mustUnderstand="1">${escapeText(action)}</a:Action>`;
}

/** A WS-Security header with a UsernameToken (PasswordText), as the `/` and `/username/transport` endpoints take. */
export function usernameTokenHeader(username: string, password: string, created?: Date): string {
  const ts = created
    ? `<wsu:Timestamp wsu:Id="_0"><wsu:Created>${created.toISOString()}</wsu:Created><wsu:Expires>${new Date(created.getTime() + 300_000).toISOString()}</wsu:Expires></wsu:Timestamp>`
    : "";
  return `<o:Security xmlns:o="${NS.wsse}" xmlns:wsu="${NS.wsu}" s:mustUnderstand="1">${ts}<o:UsernameToken wsu:Id="uuid-1"><o:Username>${escapeText(username)}</o:Username><o:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${escapeText(password)}</o:Password></o:UsernameToken></o:Security>`;
}

/** A WS-Security header carrying an issued token (the `/issuedtoken` endpoints), as received. */
export function issuedTokenHeader(tokenXml: string): string {
  return `<o:Security xmlns:o="${NS.wsse}" s:mustUnderstand="1">${tokenXml}</o:Security>`;
}

/* ---- parsing ------------------------------------------------------------------------------- */

type El = SoapEnvelope["body"];

const kids = (el: El, ns: string, local: string) =>
  childElements(el).filter((c) => isElement(c, { ns, local }));
const kid = (el: El, ns: string, local: string) => kids(el, ns, local)[0];
const text = (el: El | undefined) => (el?.textContent ?? "").trim();

function readAppliesTo(el: El): string | undefined {
  const a = kid(el, NS.policy, "AppliesTo");
  const epr = a && kid(a, NS.addressing, "EndpointReference");
  const addr = epr && kid(epr, NS.addressing, "Address");
  return addr ? text(addr) : undefined;
}

/** An RST as the identity centre reads it (the mock STS, and the guide's examples). */
export interface ParsedRequestSecurityToken {
  appliesTo?: string;
  tokenType?: string;
  keyType?: string;
  requestType?: string;
  claims: { uri: string; value?: string; optional: boolean }[];
  /** The transaction id from `dsstransactiontokenid` or `dsstransactionid`. */
  transactionId?: string;
  additionalContext: { name: string; value: string }[];
}

/** Reads an RST element; throws when the element is not a `RequestSecurityToken`. */
export function parseRequestSecurityToken(el: El): ParsedRequestSecurityToken {
  if (!isElement(el, { ns: NS.trust, local: "RequestSecurityToken" })) {
    throw new Error("not a RequestSecurityToken");
  }
  const out: ParsedRequestSecurityToken = { claims: [], additionalContext: [] };
  const applies = readAppliesTo(el);
  if (applies !== undefined) out.appliesTo = applies;
  for (const [local, key] of [
    ["TokenType", "tokenType"],
    ["KeyType", "keyType"],
    ["RequestType", "requestType"],
  ] as const) {
    const e = kid(el, NS.trust, local);
    if (e) out[key] = text(e);
  }
  const claims = kid(el, NS.trust, "Claims");
  for (const c of claims ? kids(claims, NS.auth, "ClaimType") : []) {
    const v = kid(c, NS.auth, "Value");
    const claim: { uri: string; value?: string; optional: boolean } = {
      uri: c.getAttribute("Uri") ?? "",
      optional: c.getAttribute("Optional") === "true",
    };
    if (v) claim.value = text(v);
    out.claims.push(claim);
    if (
      (claim.uri === CLAIMS.transactionTokenId || claim.uri === CLAIMS.transactionId) &&
      claim.value
    )
      out.transactionId ??= claim.value;
  }
  const context = kid(el, NS.auth, "AdditionalContext");
  for (const item of context ? kids(context, NS.auth, "ContextItem") : []) {
    out.additionalContext.push({
      name: item.getAttribute("Name") ?? "",
      value: text(kid(item, NS.auth, "Value")),
    });
  }
  return out;
}

/** The challenge of an RSTR (Table 97). */
export interface InteractiveChallengeMessage {
  title?: string;
  textChallenges: { refId: string; label?: string }[];
  /** `ContextData RefID`: in the guide's example, though not in its schema. */
  contextRefId?: string;
}

/** The token of the final RSTR. */
export interface IssuedSecurityToken {
  /** The RequestedSecurityToken's content as received (opaque; put into later headers as is). */
  tokenXml: string;
  /** The token's text, when it is a text token (e.g. a JWT in a BinarySecurityToken). */
  tokenText?: string;
  tokenType?: string;
  keySize?: number;
  created?: string;
  expires?: string;
  appliesTo?: string;
  /** RequestedProofToken/BinarySecret (base64), when present and not empty. Treat as a secret. */
  proofKey?: string;
  /** The KeyIdentifier of RequestedAttachedReference (the token's id). */
  keyIdentifier?: string;
}

/** What an RSTR body holds: a challenge, answers to a challenge, or the issued token. */
export type ParsedTrustResponse =
  | { kind: "challenge"; challenge: InteractiveChallengeMessage; appliesTo?: string }
  | { kind: "challengeResponse"; answers: { refId: string; value: string }[]; appliesTo?: string }
  | { kind: "token"; token: IssuedSecurityToken };

/**
 * Reads an RSTR or RSTR collection body: a challenge, a challenge response (what the STS
 * receives), or the final token.
 */
export function parseTrustResponse(el: El): ParsedTrustResponse {
  let rstr = el;
  if (isElement(el, { ns: NS.trust, local: "RequestSecurityTokenResponseCollection" })) {
    const first = kid(el, NS.trust, "RequestSecurityTokenResponse");
    if (!first) throw new Error("an empty RequestSecurityTokenResponseCollection");
    rstr = first;
  } else if (!isElement(el, { ns: NS.trust, local: "RequestSecurityTokenResponse" })) {
    throw new Error("not a RequestSecurityTokenResponse");
  }
  const appliesTo = readAppliesTo(rstr);
  const withApplies = appliesTo === undefined ? {} : { appliesTo };
  const ic = kid(rstr, NS.challenge, "InteractiveChallenge");
  if (ic) {
    const challenge: InteractiveChallengeMessage = { textChallenges: [] };
    const title = kid(ic, NS.challenge, "Title");
    if (title) challenge.title = text(title);
    for (const t of kids(ic, NS.challenge, "TextChallenge")) {
      const c: { refId: string; label?: string } = { refId: t.getAttribute("RefID") ?? "" };
      if (t.hasAttribute("Label")) c.label = t.getAttribute("Label") ?? "";
      challenge.textChallenges.push(c);
    }
    const ctx = kid(ic, NS.challenge, "ContextData");
    if (ctx?.getAttribute("RefID")) challenge.contextRefId = ctx.getAttribute("RefID")!;
    if (challenge.textChallenges.length === 0)
      throw new Error("an InteractiveChallenge without TextChallenge");
    return { kind: "challenge", challenge, ...withApplies };
  }
  const icr = kid(rstr, NS.challenge, "InteractiveChallengeResponse");
  if (icr) {
    const answers = kids(icr, NS.challenge, "TextChallengeResponse").map((r) => ({
      // The schema names the attribute RefId; RefID (the challenge's spelling) is accepted too.
      refId: r.getAttribute("RefId") || r.getAttribute("RefID") || "",
      value: r.textContent ?? "",
    }));
    return { kind: "challengeResponse", answers, ...withApplies };
  }
  const requested = kid(rstr, NS.trust, "RequestedSecurityToken");
  if (!requested) throw new Error("an RSTR with neither a challenge nor a token");
  const inner = childElements(requested);
  const token: IssuedSecurityToken = {
    tokenXml: inner.map((e) => e.toString()).join("") || text(requested),
  };
  const innerText =
    inner.length === 1 && childElements(inner[0]!).length === 0
      ? text(inner[0])
      : inner.length === 0
        ? text(requested)
        : "";
  if (innerText) token.tokenText = innerText;
  if (appliesTo !== undefined) token.appliesTo = appliesTo;
  const tokenType = kid(rstr, NS.trust, "TokenType");
  if (tokenType) token.tokenType = text(tokenType);
  const keySize = kid(rstr, NS.trust, "KeySize");
  if (keySize && /^\d+$/.test(text(keySize))) token.keySize = Number(text(keySize));
  const lifetime = kid(rstr, NS.trust, "Lifetime");
  if (lifetime) {
    const created = kid(lifetime, NS.wsu, "Created");
    const expires = kid(lifetime, NS.wsu, "Expires");
    if (created) token.created = text(created);
    if (expires) token.expires = text(expires);
  }
  const proof = kid(rstr, NS.trust, "RequestedProofToken");
  const secret = proof && kid(proof, NS.trust, "BinarySecret");
  if (secret && text(secret)) token.proofKey = text(secret);
  const attached = kid(rstr, NS.trust, "RequestedAttachedReference");
  const str = attached && kid(attached, NS.wsse, "SecurityTokenReference");
  const keyId = str && kid(str, NS.wsse, "KeyIdentifier");
  if (keyId) token.keyIdentifier = text(keyId);
  return { kind: "token", token };
}
