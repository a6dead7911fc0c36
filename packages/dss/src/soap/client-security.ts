import {
  buildEnvelope,
  parseEnvelope,
  readFault,
  type SoapClientSecurity,
  type SoapClientSecurityContext,
} from "@trustspec/runtime/soap";
import { WSSE_NS } from "../wssecurity/constants.js";
import { WsSecurityError } from "../wssecurity/errors.js";
import { openSymmetric, protectSymmetric } from "../wssecurity/symmetric.js";
import {
  assertionIdOf,
  type SecurityTokenForHeader,
  transportSecurityHeader,
} from "../wssecurity/transport.js";
import type { IssuedSecurityToken } from "../wstrust/messages.js";
import type { IssuedTokenProvider, IssuedTokenRequest } from "../wstrust/provider.js";
import { envelopeParts } from "./envelope-parts.js";

/**
 * The client side of the Sign Service's message security: hooks for the runtime's SOAP client
 * (`security` of its options) that bind the issued token to every call, one per binding.
 */

/** A fixed issued token (as `issueSecurityToken` returned it), or a provider of fresh ones. */
export type IssuedTokenSource = IssuedSecurityToken | IssuedTokenProvider;

/** What the client-side hooks need. */
export interface SignServiceClientSecurityOptions {
  /** The issued token: a fixed one or a provider asked before every call. */
  token: IssuedTokenSource;
  /** How long each message's timestamp is valid, in seconds (default 300). */
  timestampTtlSeconds?: number;
  /** The clock (default `() => new Date()`). */
  now?: () => Date;
}

/** Whether a token source is a provider. */
function isProvider(source: IssuedTokenSource): source is IssuedTokenProvider {
  return typeof (source as IssuedTokenProvider).getToken === "function";
}

/** The token of a call from its source. */
export async function resolveIssuedToken(
  source: IssuedTokenSource,
  request?: IssuedTokenRequest,
): Promise<IssuedSecurityToken> {
  return isProvider(source) ? source.getToken(request) : source;
}

/** The token with what the header needs, or a `WsSecurityError` naming what is missing. */
function usable(token: IssuedSecurityToken): SecurityTokenForHeader & { proofKey: string } {
  if (!token.proofKey) {
    throw new WsSecurityError("invalid_token", "The issued token has no proof key to sign with.");
  }
  return {
    tokenXml: token.tokenXml,
    proofKey: token.proofKey,
    ...(token.keyIdentifier !== undefined ? { keyIdentifier: token.keyIdentifier } : {}),
  };
}

const request = (context: SoapClientSecurityContext): IssuedTokenRequest => ({
  operation: context.operation,
  url: context.url,
});

/** The WS-Security faults by which a service refuses the token itself (not the message). */
const TOKEN_FAULTS = new Set([
  "InvalidSecurityToken",
  "FailedAuthentication",
  "SecurityTokenUnavailable",
]);

/**
 * When the service refused the call's token with a WS-Security fault, a provider's kept token
 * is dropped, so that the next call gets a new one (the call itself fails with the fault).
 */
function dropRefusedToken(
  source: IssuedTokenSource,
  token: IssuedSecurityToken | undefined,
  answer: string,
  context: SoapClientSecurityContext,
): void {
  if (!token || !isProvider(source) || !source.invalidate) return;
  if (context.status === undefined || context.status < 300) return;
  let subcode: { ns: string | null; local: string } | undefined;
  try {
    subcode = readFault(parseEnvelope(answer, "1.2"))?.subcode;
  } catch {
    return;
  }
  if (subcode?.ns === WSSE_NS && TOKEN_FAULTS.has(subcode.local)) source.invalidate(token);
}

/**
 * The `token/transport/nosc` (and `federation/transport/nosc`) binding: every request gets the
 * `wsse:Security` header with a fresh `wsu:Timestamp`, the SAML assertion exactly as the identity
 * centre issued it, and an HMAC-SHA1 signature over the timestamp with the token's proof key
 * (the token endorsing the message); HTTPS protects the rest. Answers are read as they come;
 * when the service refuses the token itself (`wsse:InvalidSecurityToken`,
 * `FailedAuthentication`, `SecurityTokenUnavailable`), a provider's token is invalidated so that
 * the next call gets a new one.
 */
export function transportBindingSecurity(
  options: SignServiceClientSecurityOptions,
): SoapClientSecurity {
  const used = new WeakMap<SoapClientSecurityContext, IssuedSecurityToken>();
  return {
    async protect(envelope, context) {
      const issued = await resolveIssuedToken(options.token, request(context));
      used.set(context, issued);
      const token = usable(issued);
      const { headers, body } = envelopeParts(envelope);
      const header = transportSecurityHeader({
        token,
        ...(options.timestampTtlSeconds !== undefined
          ? { timestampTtlSeconds: options.timestampTtlSeconds }
          : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      return buildEnvelope("1.2", body, [...headers, header]);
    },
    open(answer, context) {
      dropRefusedToken(options.token, used.get(context), answer, context);
      return answer;
    },
  };
}

/**
 * The `token/nosc` (and `federation/nosc`) binding: the token's proof key is the symmetric
 * protection token. Every request is signed (timestamp, addressing headers, body) and its body
 * encrypted with the proof key, the assertion carried in the header; every answer must come back
 * signed and encrypted with the same key, and is verified and decrypted before it is read (a
 * `WsSecurityError` when it is not). A refused token is invalidated as on the transport binding.
 */
export function symmetricBindingSecurity(
  options: SignServiceClientSecurityOptions & {
    /** Allowed clock difference when checking the answer's timestamp, in seconds (default 300). */
    maxClockSkewSeconds?: number;
  },
): SoapClientSecurity {
  // The token each call was protected with, to open its answer with.
  const used = new WeakMap<
    SoapClientSecurityContext,
    { issued: IssuedSecurityToken; token: SecurityTokenForHeader }
  >();
  return {
    async protect(envelope, context) {
      const issued = await resolveIssuedToken(options.token, request(context));
      const t = usable(issued);
      const token = { ...t, keyIdentifier: t.keyIdentifier ?? assertionIdOf(t.tokenXml) };
      used.set(context, { issued, token });
      return protectSymmetric({
        token,
        includeToken: true,
        ...envelopeParts(envelope),
        ...(options.timestampTtlSeconds !== undefined
          ? { timestampTtlSeconds: options.timestampTtlSeconds }
          : {}),
        ...(options.now ? { now: options.now } : {}),
      });
    },
    async open(answer, context) {
      const call = used.get(context);
      if (!call) throw new Error("no protected request to read the answer of");
      dropRefusedToken(options.token, call.issued, answer, context);
      const { token } = call;
      const opened = await openSymmetric(answer, {
        proofKey: () => token.proofKey,
        ...(token.keyIdentifier !== undefined ? { expectedTokenId: token.keyIdentifier } : {}),
        ...(options.maxClockSkewSeconds !== undefined
          ? { maxClockSkewSeconds: options.maxClockSkewSeconds }
          : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      return buildEnvelope(
        "1.2",
        opened.body.toString(),
        opened.headers.map((h) => h.toString()),
      );
    },
  };
}
