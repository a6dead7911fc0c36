import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type {
  DSSActionsName,
  DSSCertificateStatusEnum,
  DSSRequestStatusEnumName,
  RevocationInfo,
} from "../generated/signserver/types.gen.js";
import type { ConfirmationErrorCode } from "../generated/sts/types.gen.js";

/**
 * How a user confirms operations: `otp` answers the challenge with a one-time password at once
 * (SMS, TOTP); `mydss` is the asynchronous mobile-app mode, where the confirmation stays pending
 * until the user approves or declines it on the phone (guide, §6.3.4, lines 11173-11264).
 */
export type ConfirmationMode = "otp" | "mydss";

/** A user of the emulated DSS. */
export interface DssUser {
  login: string;
  password: string;
  /** Operators may approve requests and act for users through token exchange. */
  role: "user" | "operator";
  confirmation: ConfirmationMode;
  /** This user's one-time password (default: the emulator's `otp`). */
  otp?: string;
  /**
   * A locked account (the user management service's lockout) signs in with neither password nor
   * token exchange until unlocked; tokens issued before keep working until they expire.
   */
  locked?: boolean;
  /**
   * The identity centre asks for the second factor at sign-in by WS-Trust («Подтверждение
   * входа», guide §6.2.1): the RST gets an InteractiveChallenge answered like a confirmation.
   */
  loginConfirmation?: boolean;
}

/** An OAuth client registered on the identity centre. */
export interface DssClient {
  id: string;
  /** Absent for a public client (guide, lines 12671-12681). */
  secret?: string;
  /** Redirect URIs the client may use; absent: any. */
  redirectUris?: readonly string[];
  /**
   * The response types the client may ask the authorize endpoints for; absent: both. Any other
   * goes back to the redirect_uri with error=unauthorized_client (RFC 6749 §4.1.2.1).
   */
  responseTypes?: readonly ("code" | "token")[];
}

/** An access token the identity centre issued. The value is opaque to clients. */
export interface AccessTokenRecord {
  value: string;
  /** The user the token acts as. */
  subject: string;
  /** The operator acting for `subject` (token exchange). */
  actor?: string;
  clientId: string;
  scope: string;
  issuedAt: number;
  expiresAt: number;
  /** The Signature Service transaction the token confirms. */
  transactionId?: string;
}

/** An authorization code waiting to be exchanged at the token endpoint. */
export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  subject: string;
  scope: string;
  expiresAt: number;
  transactionId?: string;
  codeChallenge?: string;
}

/** A Signature Service transaction (guide, §6.2.2). */
export interface StoredTransaction {
  id: string;
  owner: string;
  action: DSSActionsName;
  parameters: Record<string, string>;
  document?: Uint8Array;
  documents?: { Name?: string; Content: Uint8Array }[];
  createdAt: number;
  expiresAt: number;
  /** open → confirmed (a token carries it) → used; failed when its confirmation failed. */
  state: "open" | "confirmed" | "used" | "failed";
}

/** One confirmation on the identity centre's confirmation service (guide, §6.3.3). */
export interface StoredConfirmation {
  refId: string;
  owner: string;
  /** Carried over to the token it issues. */
  actor?: string;
  clientId: string;
  transactionId?: string;
  scope?: string;
  mode: ConfirmationMode;
  attempts: number;
  state: "pending" | "confirmed" | "failed";
  error?: ConfirmationErrorCode;
  errorDescription?: string;
  callbackUri?: string;
  accessToken?: string;
  title: string;
  label: string;
  expiresAt: number;
}

/** A certificate held for a user; the emulator keeps its private key. */
export interface StoredCertificate {
  id: number;
  owner: string;
  der: Uint8Array;
  privateKey?: CryptoKey;
  caId: number;
  status: DSSCertificateStatusEnum;
  revocation: RevocationInfo | null;
  isDefault: boolean;
  friendlyName: string;
  pin: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

/** A certificate request (PKCS#10) made for a user. */
export interface StoredRequest {
  id: number;
  owner: string;
  caId: number;
  distName: string;
  commonName: string | null;
  der: Uint8Array;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  pin: string;
  status: DSSRequestStatusEnumName;
  caRequestId: string | null;
  certificateId: number;
  kind: "First" | "Renew";
  template?: string;
}

/** A revocation, hold or unhold request waiting for (or decided by) the CA operator. */
export interface StoredRevokeRequest {
  id: string;
  certificateId: number;
  owner: string;
  caId: number;
  status: DSSRequestStatusEnumName;
  /** The certificate status the request asks for: 2 revoked, 3 on hold, 1 active again. */
  target: DSSCertificateStatusEnum;
  info: RevocationInfo;
  /** The request as the CA receives it: a CMS SignedData signed with the certificate's key. */
  base64: string;
}

/**
 * A SAML 1.1 token the identity centre issued by WS-Trust (guide §6.3.1): what the Sign Service
 * needs to accept a message protected with it. The proof key never leaves the emulator except in
 * the RSTR that issued it.
 */
export interface SamlTokenRecord {
  /** The assertion's `AssertionID` (the `SAMLAssertionID` key identifier of the messages). */
  assertionId: string;
  /** The user's login (the assertion's `NameIdentifier`). */
  subject: string;
  /** The symmetric proof key of `RequestedProofToken/BinarySecret`, base64. */
  proofKey: string;
  /** The relying party the token is for (the request's `AppliesTo`). */
  audience: string;
  issuedAt: number;
  expiresAt: number;
  /** The Signature Service transaction the token confirms (the `dsstransactiontokenid` claim). */
  transactionId?: string;
}

/** Who calls: the token and its users. */
export interface Principal {
  token: AccessTokenRecord;
  user: DssUser;
  actor?: DssUser;
  /** The user or the operator acting for it has the Operator role. */
  isOperator: boolean;
}

/** Why a bearer token was refused. */
export type TokenRefusal = "missing" | "unknown" | "expired";

/** Timings and limits of the emulated services. */
export interface DssStateOptions {
  now: () => Date;
  /** Lifetime of access tokens (default 300 s, as the guide's examples). */
  tokenLifetimeSeconds: number;
  /** Lifetime of transactions and their confirmations (default 300 s). */
  transactionLifetimeSeconds: number;
  /** Lifetime of authorization codes (default 300 s). */
  codeLifetimeSeconds: number;
  /** Wrong one-time passwords allowed before `max_attempts_exceeded` (default 3). */
  maxOtpAttempts: number;
  /** The one-time password every user answers with unless the user has its own. */
  otp: string;
}

/** A random opaque value: tokens, codes. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Compares two secrets in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The in-memory data of the emulated DSS: users and OAuth clients, tokens and codes, Signature
 * Service transactions and their confirmations, certificates, certificate requests and revocation
 * requests. Handlers read and change it; nothing here does I/O.
 */
export class DssEmulatorState {
  readonly options: DssStateOptions;
  readonly users = new Map<string, DssUser>();
  readonly clients = new Map<string, DssClient>();
  readonly tokens = new Map<string, AccessTokenRecord>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly transactions = new Map<string, StoredTransaction>();
  readonly confirmations = new Map<string, StoredConfirmation>();
  readonly certificates = new Map<number, StoredCertificate>();
  readonly requests = new Map<number, StoredRequest>();
  readonly revokeRequests = new Map<string, StoredRevokeRequest>();
  /** SAML tokens issued by WS-Trust, by assertion id. */
  readonly samlTokens = new Map<string, SamlTokenRecord>();
  #nextCertificateId = 6444;
  #nextRequestId = 64121;
  #nextCaRequestId = 471520;

  constructor(options: DssStateOptions) {
    this.options = options;
  }

  /** The emulator's clock, in milliseconds. */
  nowMs(): number {
    return this.options.now().getTime();
  }

  /** Adds (or replaces) a user. */
  addUser(user: DssUser): void {
    this.users.set(user.login, user);
  }

  /** Registers (or replaces) an OAuth client. */
  addClient(client: DssClient): void {
    this.clients.set(client.id, client);
  }

  /** The user for a login and password, or undefined (also for a locked account). */
  checkPassword(login: string, password: string): DssUser | undefined {
    const user = this.users.get(login);
    return user && !user.locked && sameSecret(password, user.password) ? user : undefined;
  }

  /** Issues an access token for `subject` with the configured lifetime. */
  issueToken(init: Omit<AccessTokenRecord, "value" | "issuedAt" | "expiresAt">): AccessTokenRecord {
    this.#prune();
    const issuedAt = this.nowMs();
    const record: AccessTokenRecord = {
      ...init,
      value: randomToken(),
      issuedAt,
      expiresAt: issuedAt + this.options.tokenLifetimeSeconds * 1000,
    };
    this.tokens.set(record.value, record);
    return record;
  }

  /** Resolves `Authorization: Bearer <token>` to its caller, or says why it cannot. */
  authenticate(header: string | undefined): Principal | TokenRefusal {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    if (!match) return "missing";
    const token = this.tokens.get(match[1]!);
    if (!token) return "unknown";
    if (token.expiresAt <= this.nowMs()) return "expired";
    const user = this.users.get(token.subject);
    if (!user) return "unknown";
    const actor = token.actor === undefined ? undefined : this.users.get(token.actor);
    return {
      token,
      user,
      ...(actor ? { actor } : {}),
      isOperator: user.role === "operator" || actor?.role === "operator",
    };
  }

  /** Records a new transaction; its id is a GUID, as in the guide's examples (line 10951). */
  createTransaction(
    init: Omit<StoredTransaction, "id" | "createdAt" | "expiresAt" | "state">,
  ): StoredTransaction {
    const createdAt = this.nowMs();
    const tx: StoredTransaction = {
      ...init,
      id: randomUUID(),
      createdAt,
      expiresAt: createdAt + this.options.transactionLifetimeSeconds * 1000,
      state: "open",
    };
    this.transactions.set(tx.id, tx);
    return tx;
  }

  /** The next certificate id (6444 first, the guide's example id, line 11068). */
  nextCertificateId(): number {
    return this.#nextCertificateId++;
  }

  /** The next certificate request id. */
  nextRequestId(): number {
    return this.#nextRequestId++;
  }

  /** The next request id at the CA, a numeric string as in the guide (line 12940). */
  nextCaRequestId(): string {
    return String(this.#nextCaRequestId++);
  }

  /** The user's certificates in the order they were made. */
  certificatesOf(owner: string): StoredCertificate[] {
    return [...this.certificates.values()].filter((c) => c.owner === owner);
  }

  /**
   * The user a TLS client certificate (DER) signs in: the owner of a certificate held here with
   * exactly these bytes, active (status 1) and within its validity, whose account is not locked;
   * undefined for any other certificate. The identity centre's `/cert` endpoint and services that
   * authenticate callers by their TLS certificate use it.
   */
  userByCertificate(der: Uint8Array): DssUser | undefined {
    const now = this.nowMs();
    const presented = Buffer.from(der);
    for (const c of this.certificates.values()) {
      if (!presented.equals(Buffer.from(c.der))) continue;
      const usable = c.status === 1 && c.notBefore.getTime() <= now && now < c.notAfter.getTime();
      const user = usable ? this.users.get(c.owner) : undefined;
      return user && !user.locked ? user : undefined;
    }
    return undefined;
  }

  /** Makes `certificate` the owner's only default certificate. */
  setDefault(certificate: StoredCertificate): void {
    for (const c of this.certificatesOf(certificate.owner)) c.isDefault = c === certificate;
  }

  /**
   * Records a SAML token the WS-Trust endpoint issued, and drops the records of tokens that have
   * expired (an expired token is refused whether its record is kept or not), so a long-running
   * emulator does not grow without end.
   */
  addSamlToken(record: SamlTokenRecord): void {
    const now = this.nowMs();
    for (const [k, t] of this.samlTokens) if (t.expiresAt <= now) this.samlTokens.delete(k);
    this.samlTokens.set(record.assertionId, record);
  }

  /** Drops expired tokens and codes, so a long-running emulator does not grow without end. */
  #prune(): void {
    const now = this.nowMs();
    if (this.tokens.size > 1000) {
      for (const [k, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(k);
    }
    for (const [k, c] of this.codes) if (c.expiresAt <= now) this.codes.delete(k);
  }
}
