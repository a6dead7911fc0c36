import {
  AbortError,
  ConfigurationError,
  cachedToken,
  type TokenProvider,
} from "@trustspec/runtime/core";
import { SoapFaultError, sendSoap, type XmlLimits, type XmlName } from "@trustspec/runtime/soap";
import {
  ACTIONS,
  actionHeader,
  challengeResponseXml,
  type InteractiveChallengeMessage,
  type IssuedSecurityToken,
  issuedTokenHeader,
  NS,
  parseTrustResponse,
  type RequestSecurityToken,
  requestSecurityTokenXml,
  usernameTokenHeader,
} from "./messages.js";

/**
 * The WS-Trust 1.3 client of the DSS identity centre (guide 6.3.1, 7.1): RST Issue with
 * WS-Security credentials, the User Interactive Challenge loop (RSTR with InteractiveChallenge ->
 * the caller's answer -> RSTR with InteractiveChallengeResponse), and the final RSTR with the
 * token, as a typed outcome in the style of the REST confirmation state machine.
 */

/** How the client authenticates at the STS endpoint (Table 96; see `STS_ENDPOINTS`). */
export type WsTrustCredentials =
  /** `/` and `/username/transport`: a WS-Security UsernameToken. */
  | { kind: "username"; username: string; password: string }
  /** `/issuedtoken` and `/issuedtoken/transport`: a token issued earlier, as received. */
  | { kind: "issuedToken"; tokenXml: string }
  /**
   * `/cert`: the user's certificate as the TLS client certificate (the message carries no
   * credentials). Give `fetch` in the exchange's options: one that presents the certificate, such
   * as `clientCertificateFetch({ cert, key, ca })` of `@trustspec/dss/node` (Node) or undici's
   * `fetch` with a dispatcher.
   */
  | { kind: "certificate" };

export interface WsTrustChallengeContext {
  /** 1 for the first answer, 2 after a refused one, … */
  attempt: number;
  /** Aborts when the exchange is cancelled. */
  signal: AbortSignal;
}

/** Asks the user for the one-time password of the challenge (Title and Label are for the UI). */
export type WsTrustAnswerer = (
  challenge: InteractiveChallengeMessage,
  context: WsTrustChallengeContext,
) => Promise<string>;

export interface WsTrustIssueOptions extends RequestSecurityToken {
  /** The STS endpoint, e.g. `https://dss.example/STS/username/transport`. */
  url: string;
  credentials: WsTrustCredentials;
  /** Called for every challenge; without it a challenge ends the exchange as `challengeUnanswered`. */
  answer?: WsTrustAnswerer;
  /** Most answers sent before giving up with `maxAttempts` (default 3). */
  maxAnswers?: number;
  /** The `fetch` used to send requests (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Largest answer read from the STS, in bytes (default 1 MiB: an RSTR with a signed SAML token
   * is a few kilobytes); a larger one ends the exchange as a `fault` without being read whole.
   */
  maxResponseBytes?: number;
  /**
   * How much the STS's answers may hold, checked while they are read (default the runtime's
   * `DEFAULT_XML_LIMITS`); an answer over a limit ends the exchange as a `fault`.
   */
  xmlLimits?: Partial<XmlLimits>;
}

/** The default largest answer the WS-Trust client reads from the STS. */
export const WSTRUST_MAX_RESPONSE_BYTES = 1024 * 1024;

/** A SOAP fault of the STS, without anything of the request. */
export interface WsTrustFault {
  status: number;
  faultCode: string;
  subcode?: XmlName;
  reason: string;
}

/**
 * How the exchange ended. Where the guide is silent about how the identity centre reports a
 * wrong code, an expired challenge or a refusal, we read WS-Trust 1.3's fault codes:
 * `wst:FailedAuthentication` before any answer is `refused` (wrong credentials) and after answers
 * `maxAttempts`; `wst:ExpiredData` is `expired`; `wst:RequestFailed` is `declined`; anything else
 * is `fault`. A wrong code answered with a new challenge (7.1.1, line 12068) is asked again.
 */
export type WsTrustOutcome =
  | { status: "issued"; token: IssuedSecurityToken; attempts: number }
  | { status: "refused"; fault: WsTrustFault; attempts: number }
  | { status: "declined"; fault: WsTrustFault; attempts: number }
  | { status: "expired"; fault: WsTrustFault; attempts: number }
  | {
      status: "maxAttempts";
      attempts: number;
      limitedBy: "server" | "client";
      fault?: WsTrustFault;
    }
  | { status: "challengeUnanswered"; challenge: InteractiveChallengeMessage }
  | { status: "fault"; fault: WsTrustFault; attempts: number };

/** The credentials' WS-Security header; none for a TLS client certificate. */
function securityHeaders(c: WsTrustCredentials): string[] {
  if (c.kind === "username") return [usernameTokenHeader(c.username, c.password)];
  if (c.kind === "issuedToken") return [issuedTokenHeader(c.tokenXml)];
  return [];
}

/** The `fetch` of the exchange: the caller's, which must present the certificate for `/cert`. */
function fetchOf(options: WsTrustIssueOptions): typeof globalThis.fetch | undefined {
  if (options.fetch) return options.fetch;
  if (options.credentials.kind !== "certificate") return undefined;
  throw new ConfigurationError(
    "credentials",
    "Certificate credentials need a fetch that presents the certificate, e.g. clientCertificateFetch({ cert, key, ca }) of @trustspec/dss/node.",
  );
}

function faultOf(e: SoapFaultError): WsTrustFault {
  const f: WsTrustFault = { status: e.status, faultCode: e.faultCode, reason: e.reason };
  if (e.subcode) f.subcode = e.subcode;
  return f;
}

/** Runs the exchange to its end: the token, or why there is none. Transport errors and timeouts throw. */
export async function issueSecurityToken(options: WsTrustIssueOptions): Promise<WsTrustOutcome> {
  const fetch = fetchOf(options);
  const send = async (action: string, body: string) => {
    const answer = await sendSoap({
      url: options.url,
      version: "1.2",
      action,
      operationId: "wstrust",
      body,
      headers: [actionHeader(action), ...securityHeaders(options.credentials)],
      ...(fetch ? { fetch } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      maxResponseBytes: options.maxResponseBytes ?? WSTRUST_MAX_RESPONSE_BYTES,
      ...(options.xmlLimits ? { xmlLimits: options.xmlLimits } : {}),
    });
    return parseTrustResponse(answer.envelope.body);
  };
  const maxAnswers = options.maxAnswers ?? 3;
  let attempts = 0;
  const classify = (e: SoapFaultError): WsTrustOutcome => {
    const fault = faultOf(e);
    const sub = e.subcode?.ns === NS.trust ? e.subcode.local : undefined;
    if (sub === "FailedAuthentication") {
      return attempts > 0
        ? { status: "maxAttempts", attempts, limitedBy: "server", fault }
        : { status: "refused", fault, attempts };
    }
    if (sub === "ExpiredData") return { status: "expired", fault, attempts };
    if (sub === "RequestFailed") return { status: "declined", fault, attempts };
    return { status: "fault", fault, attempts };
  };
  let response: ReturnType<typeof parseTrustResponse>;
  try {
    response = await send(ACTIONS.issue, requestSecurityTokenXml(options));
  } catch (e) {
    if (e instanceof SoapFaultError) return classify(e);
    throw e;
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    while (response.kind === "challenge") {
      const challenge = response.challenge;
      if (!options.answer) return { status: "challengeUnanswered", challenge };
      if (attempts >= maxAnswers) return { status: "maxAttempts", attempts, limitedBy: "client" };
      attempts++;
      const value = await options.answer(challenge, {
        attempt: attempts,
        signal: controller.signal,
      });
      if (options.signal?.aborted) throw new AbortError("wstrust", options.signal.reason);
      const refId = challenge.textChallenges[0]!.refId;
      try {
        response = await send(
          ACTIONS.challengeResponse,
          challengeResponseXml({
            appliesTo: response.appliesTo ?? options.appliesTo,
            answers: [{ refId, value }],
          }),
        );
      } catch (e) {
        if (e instanceof SoapFaultError) return classify(e);
        throw e;
      }
    }
    if (response.kind !== "token") {
      return {
        status: "fault",
        attempts,
        fault: {
          status: 200,
          faultCode: "InvalidResponse",
          reason: "the STS answered with a challenge response",
        },
      };
    }
    return { status: "issued", token: response.token, attempts };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** The outcome was not a token. */
export class WsTrustFailedError extends Error {
  readonly outcome: Exclude<WsTrustOutcome, { status: "issued" }>;
  constructor(outcome: Exclude<WsTrustOutcome, { status: "issued" }>) {
    super(`WS-Trust token request ended: ${outcome.status}`);
    this.name = "WsTrustFailedError";
    this.outcome = outcome;
  }
}

/**
 * A token provider over the WS-Trust exchange: the issued token's text, cached until shortly
 * before the RSTR's `Lifetime/Expires`. The guide documents the token's use only in the SOAP
 * header of the Sign Service (ch. 2, §6.3.1); the REST interface authenticates with a JWT from
 * OAuth 2.0 (§3.9), so do not pass this provider to `bearerAuth` for the REST clients.
 * @throws WsTrustFailedError from `getToken` when no token is issued.
 */
export function wsTrustTokenProvider(
  options: WsTrustIssueOptions & { now?: () => number },
): TokenProvider {
  const now = options.now ?? Date.now;
  return cachedToken(
    async () => {
      const outcome = await issueSecurityToken(options);
      if (outcome.status !== "issued") throw new WsTrustFailedError(outcome);
      const expires = outcome.token.expires ? Date.parse(outcome.token.expires) : Number.NaN;
      return {
        token: outcome.token.tokenText ?? outcome.token.tokenXml,
        ...(Number.isFinite(expires)
          ? { expiresIn: Math.max(0, Math.floor((expires - now()) / 1000)) }
          : {}),
      };
    },
    { now },
  );
}
