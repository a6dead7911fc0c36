import type { RawRequest, RawResponse } from "@trustspec/runtime/server";
import {
  addressingReplyHeaders,
  buildEnvelope,
  faultXml,
  parseEnvelope,
  readAddressingHeaders,
  type SoapEnvelope,
  SoapFault,
  soapContentType,
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
  sctResponseXml,
  verifySessionTransportSecurity,
  WST_NS,
} from "../wssecurity/secureconversation.js";
import { verifyTransportSecurity } from "../wssecurity/verify.js";
import {
  policyOf,
  rememberVerifiedToken,
  SECURITY_HEADER,
  type SignServiceEndpointSecurity,
  type SignServiceToken,
  type SignServiceTokenPolicy,
  tokenView,
} from "./endpoint-security.js";

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
  /** The binding: `transport` (`token/transport`, `federation/transport`: HTTPS). */
  binding: "transport";
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

  async function establish(envelope: SoapEnvelope): Promise<string> {
    const verified = await verifyTransportSecurity(envelope, { ...policy, ...caches });
    const { clientEntropy } = readSctRequest(envelope.body);
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
    return sctResponseXml({
      token,
      serverEntropy,
      created: new Date(created),
      expires: new Date(expiresAt),
    });
  }

  function cancel(envelope: SoapEnvelope): string {
    const { identifier } = verifySession(envelope);
    if (readSctCancel(envelope.body) !== identifier) {
      throw new WsSecurityError("invalid_security", "A session may cancel only itself.");
    }
    sessions.delete(identifier);
    return sctCancelResponseXml();
  }

  const answer = (status: number, action: string, body: string, relatesTo?: string) => ({
    status,
    headers: { "content-type": soapContentType("1.2", action) },
    body: encoder.encode(buildEnvelope("1.2", body, addressingReplyHeaders(action, relatesTo))),
  });

  return {
    understoodHeaders: [SECURITY_HEADER],
    get openSessions() {
      return sessions.size;
    },
    security: {
      open(request, context) {
        const { identifier } = verifySession(request);
        rememberVerifiedToken(context.raw, sessions.get(identifier)!.token);
        return request;
      },
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
        return action === RST_SCT_ACTION
          ? answer(200, RSTR_SCT_ACTION, await establish(envelope), messageId)
          : answer(200, RSTR_SCT_CANCEL_ACTION, cancel(envelope), messageId);
      } catch (e) {
        const fault =
          e instanceof WsSecurityError
            ? e.toSoapFault()
            : new SoapFault("Client", "The security context token could not be issued.");
        return {
          status: faultStatus,
          headers: { "content-type": soapContentType("1.2") },
          body: encoder.encode(buildEnvelope("1.2", faultXml("1.2", fault))),
        };
      }
    },
  };
}
