import { KeyObject, randomBytes, randomUUID } from "node:crypto";
import type { ValidationIssue, ValidationPolicy } from "@trustspec/runtime/core";
import {
  createRouter,
  listen,
  type RawRequest,
  type RawResponse,
  type Router,
  routerFrom,
} from "@trustspec/runtime/server";
import {
  createTestCa,
  issueCertificate,
  type KeyAlgorithm,
  type KeyAndCertificate,
  toPem,
} from "../cms/index.js";
import { schemas as signSchemas } from "../generated/signserver/schemas.gen.js";
import { createDssSignRouter } from "../generated/signserver/server.gen.js";
import type { DSSActionsName, DSSPolicy } from "../generated/signserver/types.gen.js";
import { createDssStsRouter } from "../generated/sts/server.gen.js";
import { SIGN_SERVICE_ENDPOINT_KINDS } from "../soap/endpoints.js";
import { signedSamlAssertion } from "../wssecurity/index.js";
import { DEFAULT_CLIENTS, DEFAULT_OTP, DEFAULT_USERS, type DssUserInit } from "./demo.js";
import { formatSignServerError, formatStsError, oauthError } from "./errors.js";
import { createFrontend } from "./frontend/index.js";
import {
  type CaHandler,
  createSignServerHandlers,
  emulatorPolicy,
  issueOutOfBand,
  type PrincipalRegistry,
  recordCertificate,
  type SignServerConfig,
} from "./signserver/index.js";
import { createSignService, SIGN_SERVICE_SVC_PATH } from "./signservice/index.js";
import { type DssClient, DssEmulatorState, type SamlTokenRecord } from "./state.js";
import {
  BASIC_REALM,
  ConfirmationService,
  createStsHandlers,
  screenAuthorizeRequest,
} from "./sts/index.js";
import { createWsTrustService } from "./sts/wstrust.js";
import { emulatorWsTrustAuthority } from "./sts/wstrust-authority.js";
import { issueTlsServerKeys } from "./tls.js";

export { DEFAULT_CLIENTS, DEFAULT_OTP, DEFAULT_USERS, type DssUserInit } from "./demo.js";
export { DssEmulatorError } from "./errors.js";
export type { CaHandler } from "./signserver/index.js";
export {
  type AccessTokenRecord,
  type ConfirmationMode,
  type DssClient,
  DssEmulatorState,
  type DssUser,
  type SamlTokenRecord,
  type StoredCertificate,
  type StoredConfirmation,
  type StoredRequest,
  type StoredRevokeRequest,
  type StoredTransaction,
} from "./state.js";
export { issueTlsServerKeys } from "./tls.js";

/** Where the identity centre is served (guide, lines 10523-10525: https://host/STS/…). */
export const DEFAULT_STS_PATH = "/STS";
/**
 * The `Issuer` of the SAML tokens the emulator's identity centre signs (the guide's examples do
 * not print an assertion; a DSS names its identity centre by its URL).
 */
export const DEFAULT_STS_ISSUER = "https://dss.emulator.trustspec/STS";
/** Lifetime of SAML tokens issued by WS-Trust: 10 minutes (guide §6.3.1, the RSTR's Lifetime). */
export const SAML_TOKEN_LIFETIME_SECONDS = 600;
/** The relying party a SAML token is for unless the request names one (guide §6.3.1, AppliesTo). */
export const DEFAULT_SIGN_SERVICE_AUDIENCE = "http://localhost/SignService/";

/**
 * The namespace of the DSS claims as SAML 1.1 attributes: a claim URI splits into the attribute's
 * namespace and name at its last `/` (the transaction claim is `dsstransactiontokenid`, guide §6.3.1).
 */
export const DSS_CLAIM_NAMESPACE = "http://dss.cryptopro.ru/identity/claims";

/** A SAML token as the WS-Trust client receives it (the fields of its `IssuedSecurityToken`). */
export interface EmulatorSamlToken {
  /** The signed SAML 1.1 assertion, as RequestedSecurityToken carries it. */
  tokenXml: string;
  /** The symmetric proof key (RequestedProofToken/BinarySecret), base64. A secret. */
  proofKey: string;
  /** The assertion id (RequestedAttachedReference's KeyIdentifier). */
  keyIdentifier: string;
  created: string;
  expires: string;
  appliesTo: string;
}

/** Where the Signature Service is served (guide, lines 3881-3887, 12426-12436). */
export const DEFAULT_SIGN_SERVER_PATH = "/SignServer/rest/api";

/**
 * The CA handlers the emulator starts with: 1 issues certificates at once, 2 waits for an
 * operator (both "CryptoPro CA 2.0", which takes revocation requests).
 */
export const DEFAULT_CA_HANDLERS: readonly CaHandler[] = [
  { id: 1, name: "Тестовый УЦ trustspec (выпуск сразу)", approval: "auto" },
  { id: 2, name: "Тестовый УЦ trustspec (одобрение оператором)", approval: "operator" },
];

/** Options of a {@link DssEmulator}. */
export interface DssEmulatorOptions {
  /** The accounts (default {@link DEFAULT_USERS}: `demo`/`demo` and the operator `operator`/`operator`). */
  users?: readonly DssUserInit[];
  /** The OAuth clients (default {@link DEFAULT_CLIENTS}: the public client `dss.sample`). */
  clients?: readonly DssClient[];
  /** The one-time password that confirms operations (default `123456`). */
  otp?: string;
  /** The clock (default: the system clock). Tokens, codes, transactions and subject JWTs follow it. */
  now?: () => Date;
  /** Lifetime of access tokens in seconds (default 300, as the guide's examples). */
  tokenLifetimeSeconds?: number;
  /** Lifetime of transactions and their confirmations in seconds (default 300). */
  transactionLifetimeSeconds?: number;
  /** Lifetime of authorization codes in seconds (default 300). */
  codeLifetimeSeconds?: number;
  /** Wrong one-time passwords before `max_attempts_exceeded` (default 3). */
  maxOtpAttempts?: number;
  /**
   * The global confirmation policy, DSSPolicy.TransactionConfirmation (default `NotSet`: the
   * per-action policy decides; `On`: every action needs confirmation; `Off`: none does).
   */
  confirmation?: "On" | "Off" | "NotSet";
  /** Actions whose ActionPolicy entry says MfaRequired (default none). */
  confirmActions?: readonly DSSActionsName[];
  /** Approve myDSS confirmations by themselves after this many milliseconds (default: never). */
  autoApproveMs?: number;
  /** The test CA that issues every certificate (default: one made at start). */
  ca?: KeyAndCertificate;
  /** Key algorithm of the CA and of users' keys (default `RSA`). */
  keyAlgorithm?: KeyAlgorithm;
  /** The CA handlers of the policy (default {@link DEFAULT_CA_HANDLERS}). */
  caHandlers?: readonly CaHandler[];
  /** Where the identity centre is served (default `/STS`). */
  stsPath?: string;
  /** Where the Signature Service is served (default `/SignServer/rest/api`). */
  signServerPath?: string;
  /** Sends TransactionCallback notifications (default: the global fetch). */
  fetch?: typeof globalThis.fetch;
  /** Receives a line per notable event (confirmations, callbacks); never a secret. */
  log?: (line: string) => void;
  /**
   * Checks the emulator's own answers against the contract (default `off`): `strict` answers 500
   * instead of a non-conforming body, `report` passes each problem to `onValidationIssue`.
   */
  responseValidation?: ValidationPolicy;
  /** Receives the contract problems found in the emulator's answers. */
  onValidationIssue?: (operationId: string, issues: readonly ValidationIssue[]) => void;
  /** Largest accepted request body in bytes (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
}

/** Options of {@link DssEmulator.listen}. */
export interface DssEmulatorListenOptions {
  /** The address to listen on (default `127.0.0.1`). */
  host?: string;
  /** The port (default 0: a free one). */
  port?: number;
  /**
   * Serve HTTPS with a server certificate from the test CA (trust {@link
   * DssEmulator.caCertificatePem}); `requestCert` asks clients for a certificate (default no).
   */
  https?: boolean | { requestCert?: boolean };
}

const GRANT_TYPES = new Set([
  "password",
  "authorization_code",
  "urn:ietf:params:oauth:grant-type:token-exchange",
]);

const encoder = new TextEncoder();

/**
 * A stateful, in-memory CryptoPro DSS: the identity centre (STS: OAuth 2.0 token and authorize
 * endpoints, the confirmation service), the Signature Service REST API and the SOAP Sign Service
 * (`SignService.svc`) in one HTTP or HTTPS server ({@link listen}), on the generated server stubs.
 * Users sign in with passwords, operators act for users by token exchange; certificates come from
 * a test CA made at start and signatures are real CMS (RSA or ECDSA: GOST needs CryptoPro CSP,
 * which the emulator does not have).
 *
 * Paths as in the guide: `/STS/oauth/token`, `/STS/oauth/authorize`, `/STS/confirmation`,
 * `/SignServer/rest/api/…`, `/SignServer/SignService.svc/…`, and the web front-end of the HTTP
 * form API (guide ch. 1) under `/frontend` (`frontend/index.ts`). Since the identity centre has
 * no browser login page, the authorize endpoints take the user's login and password as HTTP Basic
 * credentials on the authorize request itself (a browser asks for them, prompted by the 401
 * challenge); that sign-in also confirms a transaction named by `dss_transaction_token_id`.
 * Access tokens are opaque random strings.
 *
 * WS-Trust 1.3 (guide §6.3.1, Table 96) at `/STS/Active.svc` (UsernameToken),
 * `/STS/Active.svc/username/transport`, `/STS/Active.svc/issuedtoken`,
 * `/STS/Active.svc/issuedtoken/transport` (a SAML token the emulator issued) and
 * `/STS/Active.svc/cert` (a user's certificate as TLS client certificate): SAML 1.1 assertions
 * signed by {@link DssEmulator.stsCertificatePem}, a 256-bit proof key, 10 minutes; the
 * transaction claim and users with `loginConfirmation` get the interactive challenge of the
 * confirmation service.
 *
 * Where the documents are silent, the emulator chooses (and keeps to it):
 * - Signatures: CMS and CAdES-BES only, detached unless `IsDetached` (or the chapter 8 spelling
 *   `Detached`) is `false`; GOST R 34.10, XMLDSig, PDF and MS Office answer
 *   `invalid_signature_params`, CAdES-T/XLT1 `tsp_error` (there is no time-stamp service), and
 *   so does `enhanceSignature` once its input checks pass. Co-signatures and counter-signatures
 *   are `invalid_signature_params`. `hashDocument` computes SHA-1/SHA-2 (SHA-256 by default,
 *   `Signature.Parameters.HashAlgorithm` to choose); GOST R 34.11 is `invalid_signature_params`.
 * - Errors of the Signature Service are `{"Message": <v1 identifier or text>}`, with the
 *   human-readable `MessageDetail` that ASP.NET Web API adds; malformed JSON and bodies that
 *   break the contract are `invalid_parameters`; unknown paths are 404 without a token check.
 * - Confirmation: operations that reach a private key pass a gate. A token confirmed for a
 *   transaction of the same action (and certificate) runs it with the transaction's document and
 *   parameters, once; without one, an action the policy requires confirmation for answers 401
 *   "Authorization has been denied for this request.". The v1 variants behave as the REST ones.
 *   The confirmation service answers request errors (`invalid_transaction`,
 *   `transaction_pending`) with 400, a refused token with 401 `authentication_failed`, and the
 *   end of a confirmation (`max_attempts_exceeded`, `transaction_expired`,
 *   `authentication_declined`) with 200 and IsFinal; a wrong one-time password is
 *   `authentication_failed` with IsFinal false and the challenge again. Expiry is noticed when the
 *   confirmation is next asked about. Callbacks carry the Signature Service transaction id.
 * - Displayed data (DTBS, §6.4): a transaction with `DocumentType` = `dtbs` (the pass-through
 *   converter) whose Document is missing is refused at creation with `content_required`, one
 *   that is not a DTBS document with `invalid_content` (v1 doc: «Неправильный формат
 *   документа»), over REST and SOAP, nothing recorded. The challenge's Label ends with the rows
 *   as formatDtbs gives them, for the OAuth confirmation and WS-Trust alike (the RST's
 *   confirmation text is then not added). `unattendedSign="true"` («подписывается без
 *   отображения и подтверждения пользователем») skips only the user: the transaction is still
 *   named when the token is asked for (TransactionTokenId, `dss_transaction_token_id`, the
 *   `dsstransactiontokenid` claim), and the identity centre issues the token bound to it at once,
 *   IsFinal without a challenge (as §7.1.2 describes a confirmation that is not required); that
 *   token runs the operation once, whatever the policy. A token without the transaction does not.
 * - Authorize errors (RFC 6749 §4.1.2.1, §4.2.2.1): a missing, repeated or unknown client_id, or a
 *   missing, malformed or unregistered redirect_uri, answers 400 with an OAuth error body
 *   (`invalid_request`, `invalid_client` for an unknown client) and no redirect. Every other error
 *   goes back to the redirect_uri with `error`, `error_description` and `state`: in the query of a
 *   302 (code grant) or in the form-post page (implicit grant, which delivers its token that way):
 *   `unsupported_response_type`, `invalid_scope` (no scope, or none with `dss`),
 *   `unauthorized_client` (a response type the client's `responseTypes` leave out),
 *   `invalid_request` (another parameter missing, repeated or malformed), then, after sign-in,
 *   `access_denied` (a locked account), `invalid_transaction`, `transaction_expired`. Request
 *   errors come before the sign-in: without (or with refused) credentials the answer is 401 with a
 *   Basic challenge only for a request that is otherwise valid.
 * - The SOAP Sign Service (`/SignServer/SignService.svc`, guide ch. 2) runs the REST service's
 *   handlers over the same state: the caller is the subject of the SAML token the identity centre
 *   issued ({@link issueSamlToken}), its `dsstransactiontokenid` claim the confirmed transaction.
 *   Endpoints: all eight: `token/transport/nosc` (HTTPS only), `token/nosc`, `token/transport`
 *   (HTTPS only) and `token` (a WS-SecureConversation 1.3 session, kept per endpoint), and their
 *   `federation/…` twins (the same security; the token from the issuer the WSDL names, this
 *   identity centre's `/STS/Active.svc/username/transport`).
 *   Errors are SOAP 1.2 faults over HTTP 500 with the `DSSFault` detail (`Code` the REST v1
 *   identifier, e.g. `certificate_not_found`, `invalid_pin`) and the operation's fault action;
 *   refused tokens are the `wsse:` faults. `SetCertificateProperty` takes its `Value` as text:
 *   `true`/`false` for IsDefault, a status name for Status (REVOKED and HOLD with an unspecified
 *   and a hold reason); a PIN (PinInfo) is changed over REST. A nil document of `SignDocuments` is
 *   that document's error (`content_required`), the others are signed.
 * - Certificates: CA handler 1 issues at once, CA handler 2 waits for an operator (requests and
 *   revocation requests alike); every status change makes a revocation request, a CMS signed
 *   with the certificate's key. Certificate Status.Value travels as a code (chapter 3), request
 *   statuses as names (chapter 8).
 * - WS-Trust: SOAP 1.2 without WS-Addressing message ids (as the guide's examples); every fault
 *   is a `wst:` subcode over HTTP 500, as WCF answers (`FailedAuthentication` for refused
 *   credentials and too many wrong codes, `InvalidRequest`, `ExpiredData` for an expired
 *   confirmation, `RequestFailed` for a declined one); the `…/transport` endpoints and `/cert`
 *   refuse plain HTTP; a presented token needs no proof-of-possession signature; a WS-Trust
 *   confirmation also records the confirmation service's access token, as an OAuth one does.
 *
 * ```ts
 * const dss = await DssEmulator.create();
 * const { url, close } = await dss.listen();
 * // POST `${url}/STS/oauth/token` grant_type=password&username=demo&password=demo&client_id=dss.sample
 * ```
 */
export class DssEmulator {
  /** The in-memory data: users, clients, tokens, transactions, certificates, requests. */
  readonly state: DssEmulatorState;
  /** Settles once the CA and the users' certificates exist; every entry point waits for it. */
  readonly ready: Promise<void>;
  /** The composed router: the identity centre and the Signature Service under their paths. */
  readonly router: Router;
  /** Where the identity centre is served, e.g. `/STS`. */
  readonly stsPath: string;
  /** Where the Signature Service is served, e.g. `/SignServer/rest/api`. */
  readonly signServerPath: string;
  readonly #confirmations: ConfirmationService;
  readonly #config: Omit<SignServerConfig, "ca"> & { ca?: KeyAndCertificate };
  readonly #sts: Router;
  readonly #sign: Router;
  readonly #fallback: Router;
  readonly #wsTrust: ReturnType<typeof createWsTrustService>;
  readonly #maxBody: number;
  #stsSignerKeys?: { keyPem: string; certificatePem: string };
  readonly #tlsServerKeys = new Map<string, Promise<{ cert: string; key: string }>>();
  readonly #signService: (request: RawRequest) => Promise<RawResponse>;
  readonly #frontend: ReturnType<typeof createFrontend>;
  /** The audiences the SOAP Sign Service accepts; `listen` adds the addresses it serves. */
  readonly #signServiceAudiences: string[] = [DEFAULT_SIGN_SERVICE_AUDIENCE];

  /** Makes an emulator and waits until it is ready. */
  static async create(options: DssEmulatorOptions = {}): Promise<DssEmulator> {
    const emulator = new DssEmulator(options);
    await emulator.ready;
    return emulator;
  }

  constructor(options: DssEmulatorOptions = {}) {
    const now = options.now ?? (() => new Date());
    this.state = new DssEmulatorState({
      now,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 300,
      transactionLifetimeSeconds: options.transactionLifetimeSeconds ?? 300,
      codeLifetimeSeconds: options.codeLifetimeSeconds ?? 300,
      maxOtpAttempts: options.maxOtpAttempts ?? 3,
      otp: options.otp ?? DEFAULT_OTP,
    });
    const users = options.users ?? DEFAULT_USERS;
    for (const u of users) {
      this.state.addUser({
        login: u.login,
        password: u.password,
        role: u.role ?? "user",
        confirmation: u.confirmation ?? "otp",
        ...(u.otp !== undefined ? { otp: u.otp } : {}),
        ...(u.loginConfirmation ? { loginConfirmation: true } : {}),
      });
    }
    for (const c of options.clients ?? DEFAULT_CLIENTS) this.state.addClient({ ...c });
    this.stsPath = trimSlash(options.stsPath ?? DEFAULT_STS_PATH);
    this.signServerPath = trimSlash(options.signServerPath ?? DEFAULT_SIGN_SERVER_PATH);
    this.#maxBody = options.maxBodyBytes ?? 1024 * 1024;

    const caHandlers = options.caHandlers ?? DEFAULT_CA_HANDLERS;
    const policy: DSSPolicy = emulatorPolicy({
      caHandlers,
      confirmation: options.confirmation ?? "NotSet",
      confirmActions: new Set(options.confirmActions ?? []),
    });
    const keyAlgorithm = options.keyAlgorithm ?? "RSA";
    this.#config = { caHandlers, policy, keyAlgorithm, ...(options.ca ? { ca: options.ca } : {}) };
    const config = this.#config as SignServerConfig;

    this.#confirmations = new ConfirmationService(this.state, {
      ...(options.autoApproveMs !== undefined ? { autoApproveMs: options.autoApproveMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    const validation = {
      ...(options.responseValidation ? { responseValidation: options.responseValidation } : {}),
      ...(options.onValidationIssue ? { onValidationIssue: options.onValidationIssue } : {}),
      maxBodyBytes: this.#maxBody,
    };
    const principals: PrincipalRegistry = new WeakMap();
    this.#sign = createDssSignRouter(createSignServerHandlers(this.state, config, principals), {
      formatError: formatSignServerError,
      authorize: (request, op) => {
        // Unknown paths answer 404, whoever asks.
        if (!op) return undefined;
        const p = this.state.authenticate(request.headers.authorization);
        if (typeof p === "string") {
          const message =
            p === "missing"
              ? "A bearer access token is required."
              : p === "expired"
                ? "The access token has expired."
                : "The access token is not known.";
          return { status: 401, message, exception: "EHTTPUnauthorized" };
        }
        principals.set(request, p);
        return undefined;
      },
      onResponse: (response) => {
        if (response.status === 401) response.headers["www-authenticate"] ??= "Bearer";
      },
      ...validation,
    });
    this.#sts = createDssStsRouter(createStsHandlers(this.state, this.#confirmations), {
      formatError: formatStsError,
      // The confirmation service looks at credentials before the request (the handler again).
      authorize: (request, op) => {
        if (op?.operationId !== "confirm") return undefined;
        const p = this.state.authenticate(request.headers.authorization);
        if (typeof p !== "string") return undefined;
        const message =
          p === "expired" ? "The access token has expired." : "A valid access token is required.";
        return { status: 401, message, exception: "authentication_failed" };
      },
      onResponse: (response, _request, op) => {
        if (response.status !== 401) return;
        const scheme = op?.operationId === "confirm" ? "Bearer" : BASIC_REALM;
        response.headers["www-authenticate"] ??= scheme;
      },
      ...validation,
    });
    this.#fallback = createRouter([], {}, signSchemas, { formatError: formatSignServerError });
    this.#signService = createSignService({
      state: this.state,
      config,
      issuerKey: () => this.stsCertificatePem,
      issuer: DEFAULT_STS_ISSUER,
      audiences: this.#signServiceAudiences,
      maxBodyBytes: this.#maxBody,
    });
    this.#wsTrust = createWsTrustService(
      emulatorWsTrustAuthority({
        state: this.state,
        confirmations: this.#confirmations,
        stsCertificatePem: () => this.stsCertificatePem,
        stsIssuer: DEFAULT_STS_ISSUER,
        issueSamlToken: (login, o) => this.issueSamlToken(login, o),
      }),
      { faultStatus: 500, maxBodyBytes: this.#maxBody },
    );

    this.#frontend = createFrontend({
      state: this.state,
      config,
      confirmations: this.#confirmations,
      maxBodyBytes: this.#maxBody,
      ...(options.log ? { log: options.log } : {}),
    });

    const state = this.state;
    const mutableConfig = this.#config;
    this.ready = (async () => {
      const ca =
        mutableConfig.ca ??
        (await createTestCa({
          commonName: "trustspec DSS emulator test CA",
          algorithm: keyAlgorithm,
          now: now(),
        }));
      mutableConfig.ca = ca;
      const caId = caHandlers[0]?.id ?? 1;
      for (const u of users) {
        if (!(u.certificate ?? (u.role ?? "user") === "user")) continue;
        const issued = await issueCertificate(ca, {
          subject: `CN=${u.login}`,
          algorithm: keyAlgorithm,
          now: now(),
        });
        if (!issued.privateKey) throw new Error("the test CA returned no private key");
        recordCertificate(state, u.login, caId, issued.certificate, issued.privateKey, "");
      }
      // The identity centre's token-signing key: RSA whatever the users' keys are (XML-DSig).
      const signer = await issueCertificate(ca, {
        subject: "CN=trustspec DSS emulator identity centre",
        algorithm: "RSA",
        now: now(),
      });
      if (!signer.privateKey) throw new Error("the test CA returned no private key");
      this.#stsSignerKeys = {
        keyPem: KeyObject.from(signer.privateKey).export({
          type: "pkcs8",
          format: "pem",
        }) as string,
        certificatePem: toPem(signer.certificate, "CERTIFICATE"),
      };
    })();
    // Callers see a failed start through `ready` (and a 500 per request); never as unhandled.
    this.ready.catch(() => {});

    this.router = routerFrom((request) => this.handle(request), this.#maxBody);
  }

  /** The test CA's certificate (DER): trust it to verify the emulator's signatures. */
  get caCertificate(): Uint8Array {
    const ca = this.#config.ca;
    if (!ca) throw new Error("the emulator is not ready yet: await emulator.ready");
    return ca.certificate;
  }

  /**
   * The identity centre's token-signing certificate (PEM), issued by the test CA: trust it to
   * verify the SAML tokens the emulator issues.
   */
  get stsCertificatePem(): string {
    return this.#stsSigner().certificatePem;
  }

  /** The `Issuer` of the SAML tokens the emulator issues. */
  get stsIssuer(): string {
    return DEFAULT_STS_ISSUER;
  }

  #stsSigner(): { keyPem: string; certificatePem: string } {
    if (!this.#stsSignerKeys)
      throw new Error("the emulator is not ready yet: await emulator.ready");
    return this.#stsSignerKeys;
  }

  /**
   * Issues a SAML 1.1 token as the identity centre's WS-Trust endpoint does (signed by
   * {@link stsCertificatePem}, a fresh 256-bit symmetric proof key, 10 minutes) and records it in
   * `state.samlTokens` (dropping the records of expired tokens); the WS-Trust endpoint and tests both
   * use it.
   * @throws Error when the user is unknown.
   */
  issueSamlToken(
    login: string,
    options: { audience?: string; transactionId?: string; lifetimeSeconds?: number } = {},
  ): EmulatorSamlToken {
    if (!this.state.users.has(login)) throw new Error(`unknown user ${login}`);
    const signer = this.#stsSigner();
    const issuedAt = this.state.nowMs();
    const lifetime = options.lifetimeSeconds ?? SAML_TOKEN_LIFETIME_SECONDS;
    const expiresAt = issuedAt + lifetime * 1000;
    const audience = options.audience ?? DEFAULT_SIGN_SERVICE_AUDIENCE;
    const assertionId = `_${randomUUID()}`;
    const proofKey = randomBytes(32).toString("base64");
    const tokenXml = signedSamlAssertion({
      issuer: DEFAULT_STS_ISSUER,
      signingKey: signer.keyPem,
      audience,
      subject: login,
      notBefore: new Date(issuedAt),
      notOnOrAfter: new Date(expiresAt),
      assertionId,
      ...(options.transactionId
        ? {
            attributes: [
              {
                name: "dsstransactiontokenid",
                namespace: DSS_CLAIM_NAMESPACE,
                values: [options.transactionId],
              },
            ],
          }
        : {}),
    });
    const record: SamlTokenRecord = {
      assertionId,
      subject: login,
      proofKey,
      audience,
      issuedAt,
      expiresAt,
      ...(options.transactionId ? { transactionId: options.transactionId } : {}),
    };
    this.state.addSamlToken(record);
    return {
      tokenXml,
      proofKey,
      keyIdentifier: assertionId,
      created: new Date(issuedAt).toISOString(),
      expires: new Date(expiresAt).toISOString(),
      appliesTo: audience,
    };
  }

  /** The Signature Service's policy (what `getPolicy` answers). */
  get policy(): DSSPolicy {
    return this.#config.policy;
  }

  /** Answers one request (path and query in `request.url`); never throws. */
  async handle(request: RawRequest): Promise<RawResponse> {
    try {
      await this.ready;
    } catch {
      // The CA could not be made: every request fails as the server's own errors do.
      return {
        status: 500,
        headers: { "content-type": "application/json;charset=utf-8" },
        body: encoder.encode(JSON.stringify({ Message: "An error has occurred." })),
      };
    }
    const q = request.url.indexOf("?");
    const pathname = q < 0 ? request.url : request.url.slice(0, q);
    const page = this.#frontend(request, pathname);
    if (page) return page;
    const trust = `${this.stsPath}/Active.svc`;
    if (pathname === trust || pathname.startsWith(`${trust}/`)) {
      const answer = this.#wsTrust(request, pathname.slice(trust.length));
      if (answer) return answer;
    }
    if (pathname === SIGN_SERVICE_SVC_PATH || pathname.startsWith(`${SIGN_SERVICE_SVC_PATH}/`)) {
      return this.#signService(request);
    }
    for (const [prefix, router] of [
      [this.stsPath, this.#sts],
      [this.signServerPath, this.#sign],
    ] as const) {
      if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) continue;
      const inner = { ...request, url: request.url.slice(prefix.length) || "/" };
      if (router === this.#sts) {
        const refused = refuseUnknownGrant(inner) ?? screenAuthorizeRequest(this.state, inner);
        if (refused) return refused;
      }
      return router.handle(inner);
    }
    return this.#fallback.handle(request);
  }

  /** The emulator as a fetch-style handler (`(Request) => Promise<Response>`). */
  fetch(request: Request): Promise<Response> {
    return this.router.fetch(request);
  }

  /**
   * Serves the emulator over HTTP, or over HTTPS with `https` (default 127.0.0.1 on a free port).
   * Over HTTPS the server certificate is issued by the test CA ({@link caCertificatePem}) for
   * `localhost`, `127.0.0.1` and the host listened on; `https.requestCert` asks clients for a
   * certificate, which is not required and not checked against any CA (handlers see it as
   * `RawRequest.clientCertificate`).
   */
  async listen(options: DssEmulatorListenOptions = {}) {
    await this.ready;
    const { https, ...where } = options;
    const requestCert = typeof https === "object" && https.requestCert === true;
    const server = https
      ? await listen(this.router, {
          ...where,
          tls: { ...(await this.tlsServerKeys(where.host ?? "127.0.0.1")), requestCert },
        })
      : await listen(this.router, where);
    // A token requested for one of the Sign Service's endpoints here names it in AppliesTo.
    const { port } = new URL(server.url);
    for (const host of new Set([new URL(server.url).hostname, "localhost", "127.0.0.1"])) {
      for (const kind of SIGN_SERVICE_ENDPOINT_KINDS) {
        const scheme = https ? "https" : "http";
        this.#signServiceAudiences.push(
          `${scheme}://${host}:${port}${SIGN_SERVICE_SVC_PATH}/${kind}`,
        );
      }
    }
    return server;
  }

  /** The test CA's certificate (PEM): trust it for the emulator's HTTPS and signatures. */
  get caCertificatePem(): string {
    return toPem(this.caCertificate, "CERTIFICATE");
  }

  /**
   * The HTTPS server certificate and key (PEM) for `host`, with `localhost` and `127.0.0.1`,
   * issued by the test CA ({@link caCertificatePem}) once per host: what {@link listen} serves
   * with, for a server that mounts this emulator's router in its own (e.g. the user management
   * service's emulator).
   */
  tlsServerKeys(host: string): Promise<{ cert: string; key: string }> {
    let keys = this.#tlsServerKeys.get(host);
    if (!keys) {
      const ca = this.#config.ca;
      if (!ca)
        return Promise.reject(new Error("the emulator is not ready yet: await emulator.ready"));
      keys = issueTlsServerKeys(ca, host, new Date(this.state.nowMs()));
      this.#tlsServerKeys.set(host, keys);
    }
    return keys;
  }

  /**
   * Approves a pending confirmation, as the user's phone would (myDSS) — or a correct one-time
   * password. `id` is the Signature Service transaction id or the confirmation's RefID.
   * @throws Error when no confirmation of that id is pending.
   */
  approveTransaction(id: string): void {
    this.#confirmations.approve(id);
  }

  /** Declines a pending confirmation: it ends with `authentication_declined`. */
  declineTransaction(id: string): void {
    this.#confirmations.decline(id);
  }

  /**
   * Issues an access token without the OAuth exchange (an emulator-only shortcut for tests).
   * @throws Error when the user is unknown.
   */
  issueAccessToken(
    login: string,
    options: { clientId?: string; actor?: string; transactionId?: string } = {},
  ): string {
    if (!this.state.users.has(login)) throw new Error(`unknown user ${login}`);
    return this.state.issueToken({
      subject: login,
      clientId: options.clientId ?? "emulator",
      scope: "dss",
      ...(options.actor ? { actor: options.actor } : {}),
      ...(options.transactionId ? { transactionId: options.transactionId } : {}),
    }).value;
  }

  /**
   * A certificate for a PENDING request as an out-of-band CA would hand it to the user, to be
   * installed with `installCertificate`. The emulator's state does not change.
   * @throws Error when there is no such request.
   */
  async issueOutOfBandCertificate(requestId: number): Promise<Uint8Array> {
    await this.ready;
    const r = this.state.requests.get(requestId);
    if (!r) throw new Error(`no certificate request ${requestId}`);
    return issueOutOfBand(this.#config as SignServerConfig, r, this.state.options.now());
  }

  /** Stops auto-approval timers and waits for callbacks under way. Servers close on their own. */
  async close(): Promise<void> {
    await this.#confirmations.close();
  }
}

function trimSlash(path: string): string {
  const p = path.startsWith("/") ? path : `/${path}`;
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

/**
 * A token request whose grant_type the identity centre does not support is refused with
 * `unsupported_grant_type` (RFC 6749 §5.2) before the contract check, which would only say that
 * the body matches none of the three grant forms.
 */
function refuseUnknownGrant(request: RawRequest): RawResponse | undefined {
  if (request.method !== "POST" || !/^\/oauth\/token\/?(\?|$)/.test(request.url)) return undefined;
  if (!(request.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) {
    return undefined;
  }
  let grant: string | null;
  try {
    grant = new URLSearchParams(new TextDecoder("utf-8", { fatal: true }).decode(request.body)).get(
      "grant_type",
    );
  } catch {
    return undefined;
  }
  if (grant === null || GRANT_TYPES.has(grant)) return undefined;
  return {
    status: 400,
    headers: { "content-type": "application/json;charset=utf-8", "cache-control": "no-store" },
    body: encoder.encode(
      JSON.stringify(oauthError("unsupported_grant_type", "The grant type is not supported.")),
    ),
  };
}
