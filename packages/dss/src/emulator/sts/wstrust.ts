import type { RawRequest, RawResponse, Router } from "@trustspec/runtime/server";
import {
  childElements,
  createSoapEndpoint,
  escapeText,
  escapeXml,
  isElement,
  SoapFault,
  type SoapReply,
  type SoapRequest,
} from "@trustspec/runtime/soap";
import {
  STS_ENDPOINT_KINDS,
  STS_ENDPOINTS,
  type StsEndpointKind,
} from "../../wstrust/endpoints.js";
import {
  ACTIONS,
  actionHeader,
  KEY_TYPE_SYMMETRIC,
  NS,
  type ParsedRequestSecurityToken,
  parseRequestSecurityToken,
  parseTrustResponse,
  REQUEST_TYPE_ISSUE,
} from "../../wstrust/messages.js";

/**
 * The identity centre's WS-Trust 1.3 endpoints (CryptoPro DSS developer guide ЖТЯИ.00096-02 97 01,
 * §6.3.1, lines 9882-10470; §7.1.1, lines 11978-12110) as a SOAP 1.2 service on the runtime's
 * SOAP endpoint: the credentials of the endpoint kind (Table 96), the RST Issue, the User
 * Interactive Challenge (WS-Trust 1.4: an RSTR with InteractiveChallenge, answered by an RSTR
 * collection with InteractiveChallengeResponse, asked again after a wrong answer) and the final
 * RSTR collection with the token, its proof key, lifetime and references. What the credentials
 * mean, when to challenge and what token to issue is the {@link WsTrustAuthority}'s: the emulator
 * answers from its state, the mock STS from its settings.
 */

/** An endpoint of Table 96 by its relative address (`/` for the service's own). */
export type WsTrustEndpointKind = StsEndpointKind;

/** Where an endpoint of Table 96 is, relative to the service (`Active.svc`): `` or `/<kind>`. */
export function wsTrustEndpointPath(kind: WsTrustEndpointKind): string {
  return kind === "/" ? "" : `/${kind}`;
}

/**
 * The WS-Trust 1.3 fault subcodes (WS-Trust 1.3 §11) the identity centre answers with:
 * refused credentials or too many wrong answers, a malformed or unsupported request, an expired
 * challenge, a request that cannot be met (the user declined, a confirmation pending elsewhere).
 */
export type WsTrustFaultCode =
  | "FailedAuthentication"
  | "InvalidRequest"
  | "ExpiredData"
  | "RequestFailed";

/** A WS-Trust fault (a SOAP 1.2 `Sender` fault with the `wst:` subcode); never quotes a secret. */
export function wsTrustFault(code: WsTrustFaultCode, reason: string, status?: number): SoapFault {
  return new SoapFault("Client", reason, {
    subcode: { ns: NS.trust, local: code },
    ...(status !== undefined ? { status } : {}),
  });
}

/** What the authority decides for a request or an answer. */
export type WsTrustStep =
  /** Issue the token now. */
  | { kind: "issue" }
  /** Ask (again): the challenge's RefID, the Title and the Label (Table 97). */
  | { kind: "challenge"; refId: string; title: string; label: string }
  /** End the exchange with a fault. */
  | { kind: "fault"; code: WsTrustFaultCode; reason: string };

/** One exchange between its challenge and its end, as the endpoint keeps it. */
export interface WsTrustExchange {
  refId: string;
  /** Who asked (the answers must come from the same caller). */
  login: string;
  appliesTo?: string;
  transactionId?: string;
  /** When the first challenge was sent (the authority's clock, milliseconds). */
  createdAt: number;
  /** Wrong answers so far; the authority counts them when it keeps no count of its own. */
  attempts: number;
}

/** The token of the final RSTR. */
export interface WsTrustIssuedToken {
  /** The RequestedSecurityToken's content (a signed SAML assertion, a BinarySecurityToken, …). */
  tokenXml: string;
  tokenType: string;
  /** The `wsse:SecurityTokenReference` of RequestedAttachedReference and RequestedUnattachedReference. */
  referenceXml: string;
  /** RequestedProofToken/BinarySecret, base64; empty for a token without a proof key. */
  proofKey?: string;
  keySize?: number;
  created: Date;
  expires: Date;
  /** The relying party the token is for (the RSTR's AppliesTo). */
  appliesTo?: string;
}

/** What decides: who the credentials name, whether to challenge, what an answer is worth, what token to give. */
export interface WsTrustAuthority {
  /** The clock, in milliseconds. */
  now(): number;
  /** The login of a UsernameToken's user, or undefined to refuse it. */
  checkPassword(login: string, password: string): string | undefined;
  /**
   * The login of the user a presented token (the `saml:Assertion` of the security header, or the
   * header's first token element) was issued to; undefined (or a thrown fault) refuses it.
   * Absent: the issued-token endpoints refuse every request.
   */
  checkIssuedToken?(
    token: SoapRequest["envelope"]["body"],
  ): string | undefined | Promise<string | undefined>;
  /**
   * The login of the user a TLS client certificate (DER) belongs to, or undefined to refuse it.
   * Absent: the certificate endpoint refuses every request.
   */
  checkCertificate?(der: Uint8Array): string | undefined;
  /** What an RST of an authenticated caller gets: the token, or a challenge. */
  start(login: string, rst: ParsedRequestSecurityToken): WsTrustStep | Promise<WsTrustStep>;
  /** What an answer to a challenge of `exchange` gets. */
  answer(exchange: WsTrustExchange, value: string): WsTrustStep | Promise<WsTrustStep>;
  /** Issues the token of a finished exchange. */
  issue(
    login: string,
    request: { appliesTo?: string; transactionId?: string },
  ): WsTrustIssuedToken | Promise<WsTrustIssuedToken>;
  /** Sees every exchange step (for assertions and logs); never a secret. */
  onEvent?(event: { kind: "rst" | "answer" | "issued" | "fault"; refId?: string }): void;
}

/** Settings of {@link createWsTrustEndpoint}. */
export interface WsTrustEndpointOptions {
  /**
   * The HTTP status of the WS-Trust faults (default: SOAP 1.2's 400 for a `Sender` fault; a WCF
   * identity centre answers every fault with 500).
   */
  faultStatus?: number;
  /** Largest accepted request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Where the exchanges waiting for an answer are kept; share one map between the endpoints of a
   * service so that an exchange begun at one endpoint may be answered at another of the same
   * caller (default: a map of this endpoint's own).
   */
  exchanges?: Map<string, WsTrustExchange>;
  /** How long an unanswered exchange is kept, in milliseconds (default one hour). */
  exchangeTtlMs?: number;
}

const PASSWORD_TEXT =
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
const SAML11_NS = "urn:oasis:names:tc:SAML:1.0:assertion";

type El = SoapRequest["envelope"]["body"];

function appliesToXml(address: string | undefined): string {
  return address
    ? `<wsp:AppliesTo xmlns:wsp="${NS.policy}"><wsa:EndpointReference xmlns:wsa="${NS.addressing}"><wsa:Address>${escapeText(address)}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>`
    : "";
}

/** The RSTR with an InteractiveChallenge (guide, lines 10200-10245). */
export function challengeRstrXml(
  challenge: { refId: string; title: string; label: string },
  appliesTo: string | undefined,
): string {
  const refId = escapeXml(challenge.refId);
  return `<trust:RequestSecurityTokenResponse xmlns:trust="${NS.trust}"><InteractiveChallenge xmlns="${NS.challenge}"><Title>${escapeText(challenge.title)}</Title><TextChallenge RefID="${refId}" Label="${escapeXml(challenge.label)}"/><ContextData RefID="${refId}"/></InteractiveChallenge>${appliesToXml(appliesTo)}</trust:RequestSecurityTokenResponse>`;
}

/**
 * The final RSTR collection (guide, lines 10360-10470), in the example's element order: KeySize,
 * Lifetime, AppliesTo, RequestedSecurityToken, RequestedProofToken, the attached and unattached
 * references, TokenType, RequestType, KeyType.
 */
export function issuedRstrXml(token: WsTrustIssuedToken): string {
  const wsu = `xmlns:wsu="${NS.wsu}"`;
  const keySize =
    token.keySize !== undefined ? `<trust:KeySize>${token.keySize}</trust:KeySize>` : "";
  const secret = token.proofKey
    ? `<trust:BinarySecret>${escapeText(token.proofKey)}</trust:BinarySecret>`
    : "<trust:BinarySecret/>";
  return `<trust:RequestSecurityTokenResponseCollection xmlns:trust="${NS.trust}"><trust:RequestSecurityTokenResponse>${keySize}<trust:Lifetime><wsu:Created ${wsu}>${token.created.toISOString()}</wsu:Created><wsu:Expires ${wsu}>${token.expires.toISOString()}</wsu:Expires></trust:Lifetime>${appliesToXml(token.appliesTo)}<trust:RequestedSecurityToken>${token.tokenXml}</trust:RequestedSecurityToken><trust:RequestedProofToken>${secret}</trust:RequestedProofToken><trust:RequestedAttachedReference>${token.referenceXml}</trust:RequestedAttachedReference><trust:RequestedUnattachedReference>${token.referenceXml}</trust:RequestedUnattachedReference><trust:TokenType>${escapeText(token.tokenType)}</trust:TokenType><trust:RequestType>${REQUEST_TYPE_ISSUE}</trust:RequestType><trust:KeyType>${KEY_TYPE_SYMMETRIC}</trust:KeyType></trust:RequestSecurityTokenResponse></trust:RequestSecurityTokenResponseCollection>`;
}

/** The security header's elements (one `wsse:Security` header block, or none). */
function securityHeader(request: SoapRequest): El | undefined {
  return request.envelope.headers.find((h) => isElement(h, { ns: NS.wsse, local: "Security" }));
}

/**
 * A SOAP 1.2 endpoint of one kind of Table 96 over an authority: the RST (action `RST/Issue`)
 * and the answers to challenges (action `RSTR/Issue`), every message with the endpoint's
 * credentials.
 */
export function createWsTrustEndpoint(
  kind: WsTrustEndpointKind,
  authority: WsTrustAuthority,
  options: WsTrustEndpointOptions = {},
): Router {
  const info = STS_ENDPOINTS[kind];
  const exchanges = options.exchanges ?? new Map<string, WsTrustExchange>();
  const ttl = options.exchangeTtlMs ?? 3_600_000;
  const fail = (code: WsTrustFaultCode, reason: string) => {
    authority.onEvent?.({ kind: "fault" });
    return wsTrustFault(code, reason, options.faultStatus);
  };
  const refused = () =>
    fail(
      "FailedAuthentication",
      info.credentials === "username"
        ? "The user name or password is not accepted."
        : info.credentials === "issuedToken"
          ? "The security token is not accepted."
          : "The client certificate is not accepted.",
    );

  async function caller(request: SoapRequest): Promise<string> {
    if (info.transport && request.raw.scheme === "http") {
      throw fail("InvalidRequest", "This endpoint is served over HTTPS only (transport security).");
    }
    if (info.credentials === "certificate") {
      const der = request.raw.clientCertificate;
      const login = der && authority.checkCertificate?.(der);
      if (!login) throw refused();
      return login;
    }
    const security = securityHeader(request);
    const elements = security ? childElements(security) : [];
    if (info.credentials === "username") {
      const token = elements.find((c) => isElement(c, { ns: NS.wsse, local: "UsernameToken" }));
      const field = (local: string) =>
        token && childElements(token).find((c) => isElement(c, { ns: NS.wsse, local }));
      const password = field("Password");
      const type = password?.getAttribute("Type");
      const login = field("Username")?.textContent ?? "";
      const user =
        password && (!type || type === PASSWORD_TEXT)
          ? authority.checkPassword(login, password.textContent ?? "")
          : undefined;
      if (!user) throw refused();
      return user;
    }
    const token =
      elements.find((c) => isElement(c, { ns: SAML11_NS, local: "Assertion" })) ??
      elements.find((c) => !isElement(c, { ns: NS.wsu, local: "Timestamp" }));
    let login: string | undefined;
    try {
      login = token && (await authority.checkIssuedToken?.(token));
    } catch (e) {
      if (e instanceof SoapFault) throw e;
      login = undefined;
    }
    if (!login) throw refused();
    return login;
  }

  function prune(now: number): void {
    for (const [refId, x] of exchanges) if (x.createdAt + ttl <= now) exchanges.delete(refId);
  }

  async function reply(
    step: WsTrustStep,
    exchange: Omit<WsTrustExchange, "refId">,
  ): Promise<SoapReply> {
    if (step.kind === "fault") throw fail(step.code, step.reason);
    if (step.kind === "challenge") {
      prune(authority.now());
      exchanges.set(step.refId, { ...exchange, refId: step.refId });
      return { body: challengeRstrXml(step, exchange.appliesTo) };
    }
    const token = await authority.issue(exchange.login, {
      ...(exchange.appliesTo !== undefined ? { appliesTo: exchange.appliesTo } : {}),
      ...(exchange.transactionId !== undefined ? { transactionId: exchange.transactionId } : {}),
    });
    authority.onEvent?.({ kind: "issued" });
    return { headers: [actionHeader(ACTIONS.issueFinal)], body: issuedRstrXml(token) };
  }

  return createSoapEndpoint({
    version: "1.2",
    understoodHeaders: [{ ns: NS.wsse, local: "Security" }],
    ...(options.faultStatus !== undefined ? { clientFaultStatus: options.faultStatus } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    operations: [
      {
        name: "Issue",
        action: ACTIONS.issue,
        element: { ns: NS.trust, local: "RequestSecurityToken" },
        async handle(request) {
          const login = await caller(request);
          const rst = parseRequestSecurityToken(request.envelope.body);
          authority.onEvent?.({ kind: "rst" });
          if (rst.requestType !== REQUEST_TYPE_ISSUE) {
            throw fail("InvalidRequest", "Only Issue is supported.");
          }
          if (rst.keyType !== undefined && rst.keyType !== KEY_TYPE_SYMMETRIC) {
            throw fail("InvalidRequest", "Only SymmetricKey tokens are issued.");
          }
          const step = await authority.start(login, rst);
          return reply(step, {
            login,
            ...(rst.appliesTo !== undefined ? { appliesTo: rst.appliesTo } : {}),
            ...(rst.transactionId !== undefined ? { transactionId: rst.transactionId } : {}),
            createdAt: authority.now(),
            attempts: 0,
          });
        },
      },
      {
        name: "ChallengeResponse",
        action: ACTIONS.challengeResponse,
        element: { ns: NS.trust, local: "RequestSecurityTokenResponseCollection" },
        async handle(request) {
          const login = await caller(request);
          let parsed: ReturnType<typeof parseTrustResponse>;
          try {
            parsed = parseTrustResponse(request.envelope.body);
          } catch {
            throw fail("InvalidRequest", "The message is not a challenge response.");
          }
          if (parsed.kind !== "challengeResponse" || parsed.answers.length === 0) {
            throw fail("InvalidRequest", "The message is not a challenge response.");
          }
          const { refId, value } = parsed.answers[0]!;
          authority.onEvent?.({ kind: "answer", refId });
          const exchange = exchanges.get(refId);
          if (!exchange || exchange.login !== login) throw fail("InvalidRequest", "Unknown RefId.");
          const step = await authority.answer(exchange, value);
          if (step.kind !== "challenge" || step.refId !== refId) exchanges.delete(refId);
          return reply(step, exchange);
        },
      },
    ],
  });
}

/**
 * The endpoints of Table 96 under one service path (`Active.svc`): a request to `<path>` or
 * `<path>/<relative address>` reaches its endpoint; any other path answers undefined.
 */
export function createWsTrustService(
  authority: WsTrustAuthority,
  options: Omit<WsTrustEndpointOptions, "exchanges"> = {},
): (request: RawRequest, path: string) => Promise<RawResponse> | undefined {
  const exchanges = new Map<string, WsTrustExchange>();
  const endpoints = new Map(
    STS_ENDPOINT_KINDS.map((kind) => [
      wsTrustEndpointPath(kind),
      createWsTrustEndpoint(kind, authority, { ...options, exchanges }),
    ]),
  );
  return (request, path) => {
    const endpoint = endpoints.get(path.replace(/\/+$/, ""));
    return endpoint?.handle(request);
  };
}
