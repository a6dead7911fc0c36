import { fromBase64 } from "@trustspec/runtime/core";
import type { RawRequest } from "@trustspec/runtime/server";
import type { KeyAlgorithm, KeyAndCertificate } from "../../cms/index.js";
import {
  type Document,
  type DSSActionsName,
  DSSCertificateStatusEnum,
  type DSSPolicy,
  SignatureType,
  type SignatureTypeName,
} from "../../generated/signserver/types.gen.js";
import { needsConfirmation } from "../../policy.js";
import {
  AUTHORIZATION_DENIED,
  CERTIFICATE_NOT_FOUND_TEXT,
  DssEmulatorError,
  dssErrorReply,
  REQUEST_NOT_FOUND_TEXT,
} from "../errors.js";
import {
  type DssEmulatorState,
  type Principal,
  type StoredCertificate,
  type StoredRequest,
  type StoredTransaction,
  sameSecret,
} from "../state.js";

/**
 * A CA handler of the emulated Signature Service. `auto` issues a certificate as soon as a
 * request arrives (as in the guide's chapter 8, where createRequest answers ACCEPTED, lines
 * 12918-12946); `operator` leaves requests PENDING, and revocation requests too, until an
 * operator accepts or rejects them (v1 doc, lines 304-392).
 */
export interface CaHandler {
  id: number;
  name: string;
  approval: "auto" | "operator";
}

/** The Signature Service's configuration. */
export interface SignServerConfig {
  ca: KeyAndCertificate;
  caHandlers: readonly CaHandler[];
  policy: DSSPolicy;
  keyAlgorithm: KeyAlgorithm;
}

/** Who calls each request, set by the router's authorization check. */
export type PrincipalRegistry = WeakMap<RawRequest, Principal>;

/** A certificate whose private key the server holds. */
export type KeyCertificate = StoredCertificate & { privateKey: CryptoKey };

/**
 * What the handlers of every resource share: the state, the configuration, who calls, the
 * ownership checks and the confirmation gate.
 */
export class SignServerContext {
  readonly policy: DSSPolicy;

  constructor(
    readonly state: DssEmulatorState,
    readonly config: SignServerConfig,
    private readonly principals: PrincipalRegistry,
  ) {
    this.policy = config.policy;
  }

  /** The name of a CA handler, or null when no handler has the id. */
  caName(id: number): string | null {
    return this.config.caHandlers.find((h) => h.id === id)?.name ?? null;
  }

  /** The caller of a request. */
  who(request: RawRequest): Principal {
    const p = this.principals.get(request);
    if (!p) throw new DssEmulatorError(401, AUTHORIZATION_DENIED);
    return p;
  }

  /**
   * The caller of a request that only an operator may make.
   * @throws DssEmulatorError 401 when the caller is not an operator.
   */
  operator(request: RawRequest): Principal {
    const p = this.who(request);
    if (!p.isOperator) {
      throw new DssEmulatorError(
        401,
        AUTHORIZATION_DENIED,
        "The operation needs the Operator role.",
      );
    }
    return p;
  }

  /** A certificate of the caller's user. */
  ownCertificate(p: Principal, id: number): StoredCertificate {
    const c = this.state.certificates.get(id);
    if (!c || c.owner !== p.user.login) throw new DssEmulatorError(404, CERTIFICATE_NOT_FOUND_TEXT);
    return c;
  }

  /** A certificate request of the caller's user. */
  ownRequest(p: Principal, id: number): StoredRequest {
    const r = this.state.requests.get(id);
    if (!r || r.owner !== p.user.login) throw new DssEmulatorError(404, REQUEST_NOT_FOUND_TEXT);
    return r;
  }

  /**
   * The confirmation gate: the transaction the caller's token confirms for `action`, or
   * undefined when the policy lets the action run without one.
   * @throws DssEmulatorError 401 when the policy requires a confirmed transaction and the token has none.
   */
  gate(p: Principal, action: DSSActionsName, certificateId?: number) {
    const txId = p.token.transactionId;
    const tx = txId === undefined ? undefined : this.state.transactions.get(txId);
    if (
      tx &&
      tx.state === "confirmed" &&
      tx.owner === p.user.login &&
      tx.action === action &&
      tx.expiresAt > this.state.nowMs()
    ) {
      const bound = Number(tx.parameters.CertificateID ?? 0);
      if (certificateId && bound && bound !== certificateId) {
        throw new DssEmulatorError(
          401,
          AUTHORIZATION_DENIED,
          "The token confirms an operation on another certificate.",
        );
      }
      return tx;
    }
    if (needsConfirmation(this.policy, action)) {
      throw new DssEmulatorError(
        401,
        AUTHORIZATION_DENIED,
        `${action} needs a token confirmed for a transaction (guide, §6.2).`,
      );
    }
    return undefined;
  }

  /** Marks the transaction spent once its operation has succeeded. */
  spend(tx: StoredTransaction | undefined): void {
    if (tx) tx.state = "used";
  }

  /** The certificate to use with a private key: by id (0 = the default), active, PIN checked. */
  keyCertificate(p: Principal, id: number | undefined, pin: string | undefined): KeyCertificate {
    let c: StoredCertificate | undefined;
    if (!id) {
      c = this.state.certificatesOf(p.user.login).find((x) => x.isDefault);
      if (!c)
        throw new DssEmulatorError(
          400,
          "invalid_certificate",
          "The user has no default certificate.",
        );
    } else {
      c = this.state.certificates.get(id);
      if (!c || c.owner !== p.user.login) {
        throw new DssEmulatorError(
          400,
          "invalid_certificate",
          "No certificate of the user has this id.",
        );
      }
    }
    if (c.status !== DSSCertificateStatusEnum.ACTIVE) {
      throw new DssEmulatorError(400, "invalid_certificate", "The certificate is not active.");
    }
    if (!c.privateKey) {
      throw new DssEmulatorError(
        400,
        "invalid_certificate",
        "The server holds no key for this certificate.",
      );
    }
    if (c.pin !== "" && !sameSecret(pin ?? "", c.pin)) {
      throw new DssEmulatorError(400, "invalid_pin", "The PIN of the private key is wrong.");
    }
    return c as KeyCertificate;
  }
}

/** Runs a handler body; a DssEmulatorError becomes the API's error answer. */
// biome-ignore lint/suspicious/noExplicitAny: each handler narrows its own reply type.
export async function guard(fn: () => Promise<any> | any): Promise<any> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DssEmulatorError) return dssErrorReply(e);
    throw e;
  }
}

/** Strict Base64: the Signature Service's byte arrays (guide, §3.1, lines 3889-3901). */
export function decodeBase64(text: string, code: string, what: string): Uint8Array {
  const bytes = fromBase64(text);
  if (!bytes) throw new DssEmulatorError(400, code, `${what} is not Base64.`);
  return bytes;
}

/** A SignatureType given as a code, a numeric string or a name (case-insensitive). */
export function signatureTypeName(value: unknown): SignatureTypeName | undefined {
  const entries = Object.entries(SignatureType) as [SignatureTypeName, number][];
  if (typeof value === "number") return entries.find(([, code]) => code === value)?.[0];
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return entries.find(([, code]) => code === Number(text))?.[0];
  return entries.find(([name]) => name.toLowerCase() === text.toLowerCase())?.[0];
}

/** A document's content: the request's `Content`, else the document the transaction holds. */
export function contentOf(
  doc: Document,
  tx: StoredTransaction | undefined,
  what: string,
): Uint8Array {
  if (doc.Content !== undefined && doc.Content !== null && doc.Content !== "") {
    return decodeBase64(doc.Content, "invalid_content", "Content");
  }
  if (tx?.document) return tx.document;
  throw new DssEmulatorError(400, "content_required", `The ${what} is not given.`);
}
