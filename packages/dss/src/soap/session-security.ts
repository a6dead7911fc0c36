import {
  addressingRequestHeaders,
  buildEnvelope,
  parseEnvelope,
  readFault,
  type SoapClientSecurity,
  type SoapClientSecurityContext,
  sendSoap,
} from "@trustspec/runtime/soap";
import { WSSC_NS } from "../wssecurity/constants.js";
import {
  newEntropy,
  RST_SCT_ACTION,
  RST_SCT_CANCEL_ACTION,
  readSctResponse,
  type SecurityContext,
  sctCancelXml,
  sctLocalReferenceXml,
  sctRequestXml,
  sessionTransportSecurityHeader,
} from "../wssecurity/secureconversation.js";
import { openSymmetric, protectSymmetric } from "../wssecurity/symmetric.js";
import {
  type SignServiceClientSecurityOptions,
  symmetricBindingSecurity,
  transportBindingSecurity,
} from "./client-security.js";
import { envelopeParts } from "./envelope-parts.js";

/** What a client's secure session needs besides the issued token. */
export interface SecureSessionOptions extends SignServiceClientSecurityOptions {
  /** The endpoint's address (the RST/SCT and the cancel go there). */
  url: string;
  /**
   * The session's binding: `transport` (`…/transport`, HTTPS: the context token endorses each
   * timestamp) or `symmetric` (`token`, `federation`: each request and answer signed and
   * encrypted with keys derived from the session key).
   */
  binding: "transport" | "symmetric";
  /** The `fetch` of the session's own exchanges (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** Timeout of those exchanges, in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** How long before the session's `Lifetime/Expires` a new one is established, in seconds (default 60). */
  refreshSkewSeconds?: number;
}

/** Message security with a secure session, which {@link SecureSessionSecurity.close} ends. */
export interface SecureSessionSecurity extends SoapClientSecurity {
  /** Cancels the session (RST/SCT/Cancel) when one is open; the next call establishes a new one. */
  close(): Promise<void>;
}

const ESTABLISH = "RequestSecurityContextToken";
const CANCEL = "CancelSecurityContextToken";

/**
 * The client side of a Sign Service endpoint with a secure session (WS-SecureConversation 1.3,
 * see `secureconversation.ts`): the session is established on the first call (an RST/SCT
 * protected by the bootstrap binding with the issued token, the client's entropy), shared by
 * concurrent calls (one exchange), and established anew shortly before it expires or after the
 * service refused it (`wsc:BadContextToken`: that call fails, the next one gets a new session).
 * On `token/transport` each request carries the context token endorsing its timestamp with the
 * session key; HTTPS protects the rest. On `token` (symmetric binding) the RST/SCT is signed and
 * encrypted with the issued token's proof key (and so is its answer), and every later request
 * and answer with keys derived from the session key (`DerivedKeyToken`s naming the context token).
 */
export function secureSessionSecurity(options: SecureSessionOptions): SecureSessionSecurity {
  const clock = options.now ?? (() => new Date());
  const skew = (options.refreshSkewSeconds ?? 60) * 1000;
  const bootstrap =
    options.binding === "transport"
      ? transportBindingSecurity(options)
      : symmetricBindingSecurity(options);
  let session: SecurityContext | undefined;
  let pending: Promise<SecurityContext> | undefined;
  const used = new WeakMap<SoapClientSecurityContext, SecurityContext>();

  const send = (action: string, operation: string, body: string, hook: SoapClientSecurity) =>
    sendSoap({
      url: options.url,
      version: "1.2",
      action,
      operationId: operation,
      body,
      headers: addressingRequestHeaders({ action, to: options.url }).headers,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      security: { hook, context: { operation, action, url: options.url } },
    });

  async function establish(): Promise<SecurityContext> {
    const entropy = newEntropy();
    const { envelope } = await send(RST_SCT_ACTION, ESTABLISH, sctRequestXml(entropy), bootstrap);
    return readSctResponse(envelope.body, entropy);
  }

  function current(): Promise<SecurityContext> {
    const s = session;
    if (s && (!s.expires || clock().getTime() < s.expires.getTime() - skew)) {
      return Promise.resolve(s);
    }
    pending ??= establish().then(
      (established) => {
        session = established;
        pending = undefined;
        return established;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  }

  const ttl =
    options.timestampTtlSeconds !== undefined
      ? { timestampTtlSeconds: options.timestampTtlSeconds }
      : {};
  const protectWith = (s: SecurityContext, envelope: string) => {
    const { headers, body } = envelopeParts(envelope);
    if (options.binding === "symmetric") {
      return protectSymmetric({
        token: {
          tokenXml: s.tokenXml,
          proofKey: s.key.toString("base64"),
          keyIdentifier: s.identifier,
        },
        tokenReference: sctLocalReferenceXml(s.tokenId),
        includeToken: true,
        derivedKeys: true,
        headers,
        body,
        ...ttl,
        now: clock,
      });
    }
    const header = sessionTransportSecurityHeader(s, { ...ttl, now: clock });
    return buildEnvelope("1.2", body, [...headers, header]);
  };
  /** The answer verified and decrypted with the session's keys (symmetric binding). */
  const openWith = async (s: SecurityContext, answer: string) => {
    if (options.binding !== "symmetric") return answer;
    const opened = await openSymmetric(answer, {
      proofKey: (id) => (id === s.identifier ? s.key : undefined),
      expectedTokenId: s.identifier,
      now: clock,
    });
    return buildEnvelope(
      "1.2",
      opened.body.toString(),
      opened.headers.map((h) => h.toString()),
    );
  };

  /** A refused session (`wsc:BadContextToken`) is dropped, so the next call establishes one. */
  const dropRefused = (s: SecurityContext | undefined, answer: string, status?: number) => {
    if (!s || status === undefined || status < 300) return;
    try {
      const subcode = readFault(parseEnvelope(answer, "1.2"))?.subcode;
      if (subcode?.ns === WSSC_NS && subcode.local === "BadContextToken" && session === s) {
        session = undefined;
      }
    } catch {
      // Not a fault envelope: nothing to drop.
    }
  };

  return {
    async protect(envelope, context) {
      const s = await current();
      used.set(context, s);
      return protectWith(s, envelope);
    },
    open(answer, context) {
      const s = used.get(context);
      if (!s) throw new Error("no protected request to read the answer of");
      dropRefused(s, answer, context.status);
      return openWith(s, answer);
    },
    async close() {
      const s = session ?? (pending ? await pending.catch(() => undefined) : undefined);
      session = undefined;
      if (!s) return;
      await send(RST_SCT_CANCEL_ACTION, CANCEL, sctCancelXml(s.identifier), {
        protect: (envelope) => protectWith(s, envelope),
        open: (answer) => openWith(s, answer),
      });
    },
  };
}
