import type { RawRequest, RawResponse } from "@trustspec/runtime/server";
import {
  addressingReplyHeaders,
  buildEnvelope,
  parseEnvelope,
  readAddressingHeaders,
  type SoapEnvelope,
  SoapFault,
  soapContentType,
  soapFaultResponse,
} from "@trustspec/runtime/soap";
import { WsSecurityError } from "../wssecurity/errors.js";
import {
  computedKey,
  newEntropy,
  newSecurityContextToken,
  RST_SCT_ACTION,
  RST_SCT_CANCEL_ACTION,
  RSTR_SCT_ACTION,
  RSTR_SCT_CANCEL_ACTION,
  readSctCancel,
  readSctRequest,
  sctCancelResponseXml,
  sctReferenceXml,
  sctResponseXml,
  sessionKeyOf,
  verifySessionTransportSecurity,
  WST_NS,
} from "../wssecurity/secureconversation.js";
import { openSymmetric, protectSymmetric } from "../wssecurity/symmetric.js";
import {
  type El,
  type VerifiedTransportSecurity,
  verifyTransportSecurity,
} from "../wssecurity/verify.js";
import {
  openIssuedTokenMessage,
  policyOf,
  rememberVerifiedToken,
  SECURITY_HEADER,
  type SignServiceEndpointSecurity,
  type SignServiceToken,
  type SignServiceTokenPolicy,
  tokenView,
} from "./endpoint-security.js";
import { envelopeParts } from "./envelope-parts.js";

/**
 * The service side of a Sign Service endpoint with a secure session (WS-SecureConversation 1.3,
 * see `secureconversation.ts`): it issues Security Context Tokens to callers whose RST/SCT the
 * bootstrap binding verifies (the issued token, checked as on the `…/nosc` endpoints), keeps the
 * sessions (identifier → key, the bootstrap token's subject and claims, expiry), verifies every
 * later message with its session's key, and cancels sessions on request. Messages naming an
 * unknown, expired or cancelled session are refused with `wsc:BadContextToken`.
 */

/** A session as the service keeps it. */
interface Session {
  key: Buffer;
  token: SignServiceToken;
  expiresAt: number;
}

/** How a session endpoint is set up. */
export interface SecureSessionEndpointOptions {
  /** The bootstrap token's policy (as for the `…/nosc` endpoints). */
  policy: SignServiceTokenPolicy;
  /**
   * The binding: `transport` (`token/transport`, `federation/transport`: HTTPS, the context token
   * endorsing each timestamp) or `symmetric` (`token`, `federation`: requests and answers signed
   * and encrypted with keys derived from the session key; the RST/SCT and its answer with the
   * issued token's proof key).
   */
  binding: "transport" | "symmetric";
  /**
   * How long a session lasts, in seconds (default 600; never longer than the bootstrap token's
   * validity).
   */
  sessionLifetimeSeconds?: number;
  /** HTTP status of the fault answers (default 500, as WCF sends them). */
  faultStatus?: number;
}

/** A session endpoint's hooks and the handler of its own messages. */
export interface SecureSessionEndpoint extends SignServiceEndpointSecurity {
  /**
   * Answers the session's own messages (RST/SCT, RST/SCT/Cancel); `undefined` for the others,
   * which go to the server with {@link SignServiceEndpointSecurity.security}.
   */
  handleSessionMessage(request: RawRequest): Promise<RawResponse | undefined>;
  /** How many sessions are open (for tests and metrics). */
  readonly openSessions: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Creates one endpoint's session store and hooks; make one per endpoint for the server's lifetime. */
export function secureSessionEndpoint(
  options: SecureSessionEndpointOptions,
): SecureSessionEndpoint {
  const { policy } = options;
  const caches = policyOf(policy);
  const sessions = new Map<string, Session>();
  const nowMs = () => (policy.now ?? (() => new Date()))().getTime();
  const lifetime = (options.sessionLifetimeSeconds ?? 600) * 1000;
  const faultStatus = options.faultStatus ?? 500;

  const sessionKey = (identifier: string) => {
    const s = sessions.get(identifier);
    if (!s) return undefined;
    if (s.expiresAt <= nowMs()) {
      sessions.delete(identifier);
      return undefined;
    }
    return s.key;
  };
  const verifySession = (text: string | SoapEnvelope) =>
    verifySessionTransportSecurity(text, {
      sessionKey,
      replayCache: caches.replayCache,
      ...(policy.maxClockSkewSeconds !== undefined
        ? { maxClockSkewSeconds: policy.maxClockSkewSeconds }
        : {}),
      ...(policy.now ? { now: policy.now } : {}),
      ...(policy.xmlLimits ? { xmlLimits: policy.xmlLimits } : {}),
    });

  const symmetric = options.binding === "symmetric";
  /** A request of a symmetric-bound session, verified and decrypted with the session's keys. */
  const openSession = (text: string) =>
    openSymmetric(text, {
      proofKey: (identifier) => sessionKeyOf(identifier, sessionKey),
      replayCache: caches.replayCache,
      ...(policy.maxClockSkewSeconds !== undefined
        ? { maxClockSkewSeconds: policy.maxClockSkewSeconds }
        : {}),
      ...(policy.now ? { now: policy.now } : {}),
      ...(policy.xmlLimits ? { xmlLimits: policy.xmlLimits } : {}),
    });
  /** The session a request belongs to, and its body (decrypted on the symmetric binding). */
  async function sessionMessage(text: string, envelope?: SoapEnvelope) {
    if (!symmetric) {
      const { identifier, envelope: env } = verifySession(envelope ?? text);
      return { identifier, body: env.body.toString(), headers: undefined };
    }
    const opened = await openSession(text);
    return {
      identifier: opened.tokenId,
      body: opened.body.toString(),
      headers: opened.headers.map((h) => h.toString()),
    };
  }
  /** An answer protected with a key (base64) of the token `keyIdentifier`, on the symmetric binding. */
  const protect = (
    headers: string[],
    body: string,
    key: { proofKey: string; keyIdentifier: string; tokenReference?: string },
  ) =>
    symmetric
      ? protectSymmetric({
          token: { tokenXml: "", proofKey: key.proofKey, keyIdentifier: key.keyIdentifier },
          ...(key.tokenReference ? { tokenReference: key.tokenReference, derivedKeys: true } : {}),
          includeToken: false,
          headers,
          body,
          ...(policy.now ? { now: policy.now } : {}),
        })
      : buildEnvelope("1.2", body, headers);
  const sessionKeyFor = (identifier: string) => ({
    proofKey: sessions.get(identifier)!.key.toString("base64"),
    keyIdentifier: identifier,
    tokenReference: sctReferenceXml(identifier),
  });

  async function establish(text: string, envelope: SoapEnvelope, reply: string[]): Promise<string> {
    let verified: Omit<VerifiedTransportSecurity, "timestamp">;
    let body: El;
    let bootstrapKey: { proofKey: string; keyIdentifier: string } | undefined;
    if (symmetric) {
      const { opened, proofKey } = await openIssuedTokenMessage(text, policy, caches);
      verified = opened.token!;
      body = opened.body;
      bootstrapKey = { proofKey, keyIdentifier: opened.tokenId };
    } else {
      verified = await verifyTransportSecurity(envelope, { ...policy, ...caches });
      body = envelope.body;
    }
    const { clientEntropy } = readSctRequest(body);
    const serverEntropy = newEntropy();
    const token = newSecurityContextToken();
    const created = nowMs();
    const tokenEnd = verified.notOnOrAfter?.getTime() ?? Number.POSITIVE_INFINITY;
    const expiresAt = Math.min(created + lifetime, tokenEnd);
    sessions.set(token.identifier, {
      key: computedKey(clientEntropy, serverEntropy),
      token: tokenView(verified),
      expiresAt,
    });
    const rstr = sctResponseXml({
      token,
      serverEntropy,
      created: new Date(created),
      expires: new Date(expiresAt),
    });
    // The answer to the bootstrap is protected like the bootstrap (the issued token's proof key).
    return protect(reply, rstr, bootstrapKey ?? { proofKey: "", keyIdentifier: "" });
  }

  async function cancel(text: string, envelope: SoapEnvelope, reply: string[]): Promise<string> {
    const { identifier, body } = await sessionMessage(text, envelope);
    const key = symmetric ? sessionKeyFor(identifier) : undefined;
    const env = parseEnvelope(buildEnvelope("1.2", body), "1.2", policy.xmlLimits);
    if (readSctCancel(env.body) !== identifier) {
      throw new WsSecurityError("invalid_security", "A session may cancel only itself.");
    }
    sessions.delete(identifier);
    return protect(reply, sctCancelResponseXml(), key ?? { proofKey: "", keyIdentifier: "" });
  }

  const answer = (action: string, envelope: string) => ({
    status: 200,
    headers: { "content-type": soapContentType("1.2", action) },
    body: encoder.encode(envelope),
  });
  const keysOf = new WeakMap<object, string>();

  return {
    understoodHeaders: [SECURITY_HEADER],
    get openSessions() {
      return sessions.size;
    },
    security: {
      async open(request, context) {
        const { identifier, body, headers } = await sessionMessage(request);
        rememberVerifiedToken(context.raw, sessions.get(identifier)!.token);
        keysOf.set(context, identifier);
        return headers ? buildEnvelope("1.2", body, headers) : request;
      },
      ...(symmetric
        ? {
            protect(answer: string, context: object) {
              const identifier = keysOf.get(context);
              if (!identifier || !sessions.has(identifier)) {
                throw new Error("no verified request to answer");
              }
              const { headers, body } = envelopeParts(answer);
              return protect(headers, body, sessionKeyFor(identifier));
            },
          }
        : {}),
    },
    async handleSessionMessage(request) {
      if (request.method !== "POST") return undefined;
      const text = decoder.decode(request.body);
      // Only the session's own messages name a WS-Trust action.
      if (!text.includes(`${WST_NS}/RST/SCT`)) return undefined;
      let envelope: SoapEnvelope;
      try {
        envelope = parseEnvelope(text, "1.2", policy.xmlLimits);
      } catch {
        return undefined;
      }
      const { action, messageId } = readAddressingHeaders(envelope.headers);
      if (action !== RST_SCT_ACTION && action !== RST_SCT_CANCEL_ACTION) return undefined;
      try {
        if (action === RST_SCT_ACTION) {
          const reply = addressingReplyHeaders(RSTR_SCT_ACTION, messageId);
          return answer(RSTR_SCT_ACTION, await establish(text, envelope, reply));
        }
        const reply = addressingReplyHeaders(RSTR_SCT_CANCEL_ACTION, messageId);
        return answer(RSTR_SCT_CANCEL_ACTION, await cancel(text, envelope, reply));
      } catch (e) {
        const fault =
          e instanceof WsSecurityError
            ? e.toSoapFault()
            : new SoapFault("Client", "The security context token could not be issued.");
        return soapFaultResponse("1.2", fault, { status: faultStatus });
      }
    },
  };
}
