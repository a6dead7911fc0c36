import type { KeyObject } from "node:crypto";
import type { RawRequest } from "@trustspec/runtime/server";
import {
  buildEnvelope,
  type SoapEndpointSecurity,
  type SoapEndpointSecurityContext,
  type SoapHandlerContext,
  type SoapRequest,
  type XmlLimits,
  type XmlName,
} from "@trustspec/runtime/soap";
import { WSSE_NS } from "../wssecurity/constants.js";
import { ReplayCache } from "../wssecurity/replay.js";
import {
  type OpenedSymmetricMessage,
  openSymmetric,
  protectSymmetric,
} from "../wssecurity/symmetric.js";
import {
  type SamlAttribute,
  type VerifiedTransportSecurity,
  verifyTransportSecurity,
} from "../wssecurity/verify.js";
import { CLAIMS } from "../wstrust/messages.js";
import type { SupportedSignServiceEndpointKind } from "./endpoints.js";
import { envelopeParts } from "./envelope-parts.js";

/**
 * The service side of the Sign Service's message security: endpoint hooks for the runtime's SOAP
 * server (`security` of `createSignServiceServer`'s options) that check the issued token of every
 * request the way the Sign Service does and hand the verified token to the operation handlers
 * ({@link signServiceTokenOf}).
 */

/** What a service trusts: the identity centre's key and name, its own addresses, the clock. */
export interface SignServiceTokenPolicy {
  /** The identity centre's certificate or public key (PEM, bytes or `KeyObject`), which signs the assertions. */
  issuerKey: string | Buffer | KeyObject;
  /** The `Issuer` the assertions must name, when set. */
  issuer?: string;
  /** The addresses this endpoint answers on, as token requests name them in `AppliesTo`. */
  audiences: readonly string[];
  /**
   * The proof key of an assertion, by its id (base64 or bytes; `undefined` when unknown): a real
   * service decrypts it from the assertion's `SubjectConfirmation`, an emulator looks it up in
   * what its identity centre issued.
   */
  proofKey: (
    assertionId: string,
  ) => string | Uint8Array | undefined | Promise<string | Uint8Array | undefined>;
  /**
   * Where accepted messages are remembered so that none is accepted twice (default: a new
   * {@link ReplayCache} per hook; pass one to share it between endpoints).
   */
  replayCache?: ReplayCache;
  /** Where assertions whose signature verified are remembered (default: a new cache per hook). */
  verifiedAssertions?: ReplayCache;
  /** Allowed clock difference in seconds (default 300, WCF's `MaxClockSkew`). */
  maxClockSkewSeconds?: number;
  /** The clock (default `() => new Date()`). */
  now?: () => Date;
  /** Assertion signature algorithms accepted (default RSA-SHA1 and RSA-SHA256). */
  assertionSignatureAlgorithms?: readonly string[];
  /** How much a request's XML may hold while the security header is read. */
  xmlLimits?: Partial<XmlLimits>;
}

/** The verified token of a request, as the handlers see it. */
export interface SignServiceToken {
  /** The assertion's `AssertionID`. */
  assertionId: string;
  /** The assertion's `Issuer`. */
  issuer: string;
  /** The subject's `NameIdentifier` (the user), when the assertion has one. */
  subject?: string;
  /** The SAML attributes, as the assertion lists them. */
  attributes: SamlAttribute[];
  /**
   * The claims by URI (`AttributeNamespace` + `/` + `AttributeName`, as WCF joins them): e.g.
   * `DSS_CLAIMS.transactionTokenId` → the confirmed transaction's id.
   */
  claims: Readonly<Record<string, readonly string[]>>;
  /**
   * The confirmed transaction the token carries (claim `dsstransactiontokenid`, or
   * `dsstransactionid` as the guide's text of §7.1.1 writes it), when there is one.
   */
  transactionId?: string;
  /** The start of the assertion's validity window. */
  notBefore?: Date;
  /** The end of the assertion's validity window. */
  notOnOrAfter?: Date;
  /** The assertion as the issuer signed it. */
  assertionXml: string;
}

/**
 * Endpoint options that put a binding's message security on a Sign Service server: spread them
 * into the options of `createSignServiceServer`.
 */
export interface SignServiceEndpointSecurity {
  /** The runtime hook that opens each request and protects each answer. */
  security: SoapEndpointSecurity;
  /** The header blocks the hook leaves in the request for the endpoint to accept (`wsse:Security`). */
  understoodHeaders: XmlName[];
}

/** @internal The `wsse:Security` header's name. */
export const SECURITY_HEADER: XmlName = { ns: WSSE_NS, local: "Security" };

/** The verified tokens of the requests being handled, by the HTTP request they came with. */
const verified = new WeakMap<RawRequest, SignServiceToken>();

/**
 * The verified token of the request a handler is answering, or `undefined` when the endpoint has
 * no token security hook. Takes the handler's context (`ctx`), its `ctx.soap`, or the raw request.
 */
export function signServiceTokenOf(
  request: SoapHandlerContext<unknown> | SoapRequest | RawRequest,
): SignServiceToken | undefined {
  const raw = "soap" in request ? request.soap.raw : "envelope" in request ? request.raw : request;
  return verified.get(raw);
}

/** @internal Hands a request's verified token to its handlers (for other hooks of this package). */
export function rememberVerifiedToken(raw: RawRequest, token: SignServiceToken): void {
  verified.set(raw, token);
}

/** @internal What the handlers see of a verified assertion. */
export function tokenView(t: Omit<VerifiedTransportSecurity, "timestamp">): SignServiceToken {
  const claims: Record<string, string[]> = {};
  for (const a of t.attributes) {
    const uri = a.namespace ? `${a.namespace.replace(/\/$/, "")}/${a.name}` : a.name;
    claims[uri] = [...(claims[uri] ?? []), ...a.values];
  }
  const transactionId =
    claims[CLAIMS.transactionTokenId]?.[0] ?? claims[CLAIMS.transactionId]?.[0] ?? undefined;
  return {
    assertionId: t.assertionId,
    issuer: t.issuer,
    ...(t.subject !== undefined ? { subject: t.subject } : {}),
    attributes: t.attributes,
    claims,
    ...(transactionId !== undefined ? { transactionId } : {}),
    ...(t.notBefore ? { notBefore: t.notBefore } : {}),
    ...(t.notOnOrAfter ? { notOnOrAfter: t.notOnOrAfter } : {}),
    assertionXml: t.assertionXml,
  };
}

/** @internal The policy's caches, or new ones. */
export function policyOf(policy: SignServiceTokenPolicy) {
  return {
    replayCache: policy.replayCache ?? new ReplayCache(),
    verifiedAssertions: policy.verifiedAssertions ?? new ReplayCache(),
  };
}

/**
 * The `token/transport/nosc` (and `federation/transport/nosc`) endpoint: HTTPS carries the
 * message, the `wsse:Security` header carries the issued SAML assertion and a timestamp the
 * assertion's proof key signs. Each request's header is verified (the assertion's signature by
 * the issuer key, issuer, audience, validity; the timestamp's freshness and endorsing signature;
 * replay) before the operation runs; a refusal is answered with the `wsse:` fault of
 * `WsSecurityError`. The answer is not changed (the transport protects it).
 */
export function transportBindingEndpointSecurity(
  policy: SignServiceTokenPolicy,
): SignServiceEndpointSecurity {
  const caches = policyOf(policy);
  return {
    understoodHeaders: [SECURITY_HEADER],
    security: {
      async open(request: string, context: SoapEndpointSecurityContext) {
        const token = await verifyTransportSecurity(request, { ...policy, ...caches });
        verified.set(context.raw, tokenView(token));
        return request;
      },
    },
  };
}

/**
 * @internal Verifies and decrypts a request protected with an issued token's proof key (the
 * symmetric binding): the assertion checked as on the transport binding. Returns the opened
 * message and the proof key (base64), to protect the answer with.
 */
export async function openIssuedTokenMessage(
  request: string,
  policy: SignServiceTokenPolicy,
  caches: ReturnType<typeof policyOf>,
): Promise<{ opened: OpenedSymmetricMessage; proofKey: string }> {
  let proofKey: string | undefined;
  const opened = await openSymmetric(request, {
    proofKey: async (id) => {
      const k = await policy.proofKey(id);
      if (k !== undefined) proofKey = typeof k === "string" ? k : Buffer.from(k).toString("base64");
      return k;
    },
    assertion: {
      issuerKey: policy.issuerKey,
      audiences: policy.audiences,
      verifiedAssertions: caches.verifiedAssertions,
      ...(policy.issuer !== undefined ? { issuer: policy.issuer } : {}),
      ...(policy.assertionSignatureAlgorithms
        ? { assertionSignatureAlgorithms: policy.assertionSignatureAlgorithms }
        : {}),
    },
    replayCache: caches.replayCache,
    ...(policy.maxClockSkewSeconds !== undefined
      ? { maxClockSkewSeconds: policy.maxClockSkewSeconds }
      : {}),
    ...(policy.now ? { now: policy.now } : {}),
    ...(policy.xmlLimits ? { xmlLimits: policy.xmlLimits } : {}),
  });
  return { opened, proofKey: proofKey! };
}

/**
 * The `token/nosc` (and `federation/nosc`) endpoint: no transport security, the issued token's
 * proof key is the symmetric protection token. Each request is verified and decrypted
 * (`openSymmetric`: the assertion checked as on the transport binding, the timestamp, the
 * addressing headers and the body signed with the proof key, the body encrypted), and each
 * answer is signed and encrypted with the same proof key (`protectSymmetric`).
 */
export function symmetricBindingEndpointSecurity(
  policy: SignServiceTokenPolicy,
): SignServiceEndpointSecurity {
  const caches = policyOf(policy);
  const keys = new WeakMap<SoapEndpointSecurityContext, { id: string; key: string }>();
  return {
    understoodHeaders: [SECURITY_HEADER],
    security: {
      async open(request: string, context: SoapEndpointSecurityContext) {
        const { opened, proofKey } = await openIssuedTokenMessage(request, policy, caches);
        keys.set(context, { id: opened.tokenId, key: proofKey });
        if (opened.token) verified.set(context.raw, tokenView(opened.token));
        return buildEnvelope(
          "1.2",
          opened.body.toString(),
          opened.headers.map((h) => h.toString()),
        );
      },
      protect(answer: string, context: SoapEndpointSecurityContext) {
        const k = keys.get(context);
        if (!k) throw new Error("no verified request to answer");
        return protectSymmetric({
          token: { tokenXml: "", proofKey: k.key, keyIdentifier: k.id },
          includeToken: false,
          ...envelopeParts(answer),
          ...(policy.now ? { now: policy.now } : {}),
        });
      },
    },
  };
}

/**
 * The hooks of an endpoint kind: the transport binding for `…/transport/nosc`, the symmetric one
 * for `…/nosc`. The kinds with a secure session (`token`, `token/transport`, `federation`,
 * `federation/transport`) need WS-SecureConversation, which these hooks do not offer (the client
 * and the emulator implement it; a public service-side hook for it is not exported yet).
 */
export function signServiceEndpointSecurity(
  kind: SupportedSignServiceEndpointKind,
  policy: SignServiceTokenPolicy,
): SignServiceEndpointSecurity {
  switch (kind) {
    case "token/transport/nosc":
    case "federation/transport/nosc":
      return transportBindingEndpointSecurity(policy);
    case "token/nosc":
    case "federation/nosc":
      return symmetricBindingEndpointSecurity(policy);
    default:
      throw new RangeError(
        `The endpoint kind ${JSON.stringify(kind)} needs a secure session (WS-SecureConversation), which these hooks do not offer.`,
      );
  }
}
