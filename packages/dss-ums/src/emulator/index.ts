import { randomBytes } from "node:crypto";
import { createTestCa, fromPem, type KeyAndCertificate, toPem } from "@trustspec/dss/cms";
import {
  DssEmulator,
  type DssEmulatorOptions,
  issueTlsServerKeys,
  ReplayCache,
  type SignServiceTokenPolicy,
} from "@trustspec/dss/server";
import type { ValidationIssue, ValidationPolicy } from "@trustspec/runtime/core";
import {
  createRouter,
  listen,
  type RawRequest,
  type RawResponse,
  type Router,
  routerFrom,
} from "@trustspec/runtime/server";
import { operationList } from "../generated/ums/operations.gen.js";
import { schemas } from "../generated/ums/schemas.gen.js";
import { createDssUmsRouter, formatDssUmsError } from "../generated/ums/server.gen.js";
import type {
  CryptoProviderInfo,
  IdentifierTypeName,
  MfaPolicy,
  UmsPolicy,
} from "../generated/ums/types.gen.js";
import { AUTHORIZATION_DENIED } from "./errors.js";
import { createUmsHandlers, type Operator } from "./handlers.js";
import { AUTH_METHODS, buildPolicy, DEFAULT_CRYPTO_PROVIDERS, DEFAULT_RDNS } from "./policy.js";
import { createUmsSoapService, DEFAULT_UMS_SOAP_PATH } from "./soap/index.js";
import { type UmsAccountHooks, UmsState, type UmsUser } from "./state.js";

export { AUTHORIZATION_DENIED, UmsEmulatorError, type UmsErrorCode } from "./errors.js";
export type { Operator } from "./handlers.js";
export {
  AUTH_METHODS,
  type AuthMethodName,
  DEFAULT_CRYPTO_PROVIDERS,
  DEFAULT_RDNS,
  LOCAL_ISSUER,
  POLICY_AUTH_METHODS,
} from "./policy.js";
export { likeToRegExp } from "./search.js";
export { DEFAULT_UMS_SOAP_PATH, umsSoapFault } from "./soap/index.js";
export {
  dssDate,
  type StoredMobileKey,
  type StoredSimCard,
  type StoredToken,
  type UmsAccountHooks,
  UmsState,
  type UmsUser,
} from "./state.js";

/** Where the user management service is served (guide, lines 6913-6919; examples /STS/ums). */
export const DEFAULT_UMS_PATH = "/STS/ums";
/** The groups of the identity centre unless told otherwise (guide, line 7015; "NewGroup", line 9332). */
export const DEFAULT_GROUPS: readonly string[] = ["Default", "NewGroup"];
/** The identifier types users are registered with unless told otherwise (the policy example, line 6977). */
export const DEFAULT_IDENTIFIER_TYPES: readonly IdentifierTypeName[] = [
  "Login",
  "Email",
  "PhoneNumber",
];
/** The standalone emulator's operator token unless told otherwise. */
export const DEFAULT_OPERATOR_TOKEN = "ums-operator-token";

/**
 * An operator of a standalone emulator: a fixed bearer token (REST), optionally a certificate it
 * presents over TLS (the SOAP endpoint `/cert`), and the groups it manages.
 */
export interface StaticOperator {
  token: string;
  login: string;
  groups?: readonly string[];
  /**
   * The operator's TLS client certificate, DER or PEM: a request to the SOAP endpoint `/cert`
   * presenting exactly this certificate is this operator's. It is not checked against a CA.
   */
  certificate?: Uint8Array | string;
}

/** Options of {@link DssUmsEmulator.listen}. */
export interface DssUmsEmulatorListenOptions {
  /** The address to listen on (default `127.0.0.1`). */
  host?: string;
  /** The port (default 0: a free one). */
  port?: number;
  /**
   * Serve HTTPS with a server certificate from the test CA (trust {@link
   * DssUmsEmulator.caCertificatePem}): the DSS emulator's when mounted, else one the emulator
   * makes. `requestCert` asks clients for a certificate (default true: the SOAP endpoint `/cert`
   * authenticates operators by it; it is not required at the handshake).
   */
  https?: boolean | { requestCert?: boolean };
}

/** Options of a {@link DssUmsEmulator}. */
export interface DssUmsEmulatorOptions {
  /**
   * The DSS emulator to run with, or the options to make one: the user management service is then
   * served beside it, in one HTTP server, and operators are authorised by its identity centre's
   * access tokens (an Operator's own token; a user's or a delegated one is refused). Its accounts
   * are the service's users: registering, resetting a password, locking and deleting here change
   * who can sign in there, and the myDSS method in a scheme makes the user confirm on the phone.
   * Without it the emulator runs alone and authorises the fixed tokens of `operators`.
   */
  dss?: DssEmulator | DssEmulatorOptions;
  /** Standalone only: the operators' fixed tokens (default one, {@link DEFAULT_OPERATOR_TOKEN}, login `operator`). */
  operators?: readonly StaticOperator[];
  /** The groups of the identity centre (default {@link DEFAULT_GROUPS}). */
  groups?: readonly string[];
  /** The groups of an operator, by login (default: every group, the first being where createUser puts users). */
  operatorGroups?: Readonly<Record<string, readonly string[]>>;
  /** The identifier types users are registered with (default Login, Email, PhoneNumber). */
  identifierTypes?: readonly IdentifierTypeName[];
  /** The crypto provider profiles of SIM cards (default {@link DEFAULT_CRYPTO_PROVIDERS}). */
  cryptoProviders?: readonly CryptoProviderInfo[];
  /** Trusted identity providers besides the identity centre itself (default `ADFS`). */
  identityProviders?: readonly string[];
  /** OATH tokens imported at start, unassigned, as an administrator would (default none). */
  oathTokens?: readonly { serial: string; type: "HOTP" | "TOTP" }[];
  /** The shortest KeyInfoPinCode of a myDSS XML key (default 6). */
  pinLength?: number;
  /** Lifetime of a myDSS key in days (default 365). */
  mobileKeyDays?: number;
  /** Where the service is served (default `/STS/ums`). */
  umsPath?: string;
  /** Where the SOAP service is served (default `/STS/UserManagement.svc`). */
  soapPath?: string;
  /** The clock (default: the DSS emulator's, or the system clock). */
  now?: () => Date;
  /**
   * Checks the emulator's own answers against the contract (default `off`): `strict` answers 500
   * instead of a non-conforming body, `report` passes each problem to `onValidationIssue`. With
   * `strict` the SOAP service checks its answers against the schema too, answering a fault
   * instead of a non-conforming message.
   */
  responseValidation?: ValidationPolicy;
  /** Receives the contract problems found in the emulator's answers. */
  onValidationIssue?: (operationId: string, issues: readonly ValidationIssue[]) => void;
  /** Largest accepted request body in bytes (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
}

/**
 * A stateful, in-memory CryptoPro DSS user management service (UMS) REST API on the generated
 * server stub: users with identifiers unique per type, groups, external logins, phone and e-mail,
 * OATH tokens, SIM cards and myDSS keys, the authentication scheme, the confirmation policy,
 * blocking, the subject name, password resets, and the user and token searches with every filter
 * operation and paging.
 *
 * Mounted beside a {@link DssEmulator} (option `dss`) it shares one HTTP server with the identity
 * centre and the Signature Service, at `/STS/ums`, and checks operators against the identity
 * centre's tokens; alone, it checks fixed operator tokens.
 *
 * The SOAP service of chapter 4 (`IUserManagementService`, all 30 operations) is served at
 * `/STS/UserManagement.svc` over the same state, as an adapter over the REST handlers: a user
 * registered over one interface is found over the other. `/cert` (HTTPS, see
 * {@link DssUmsEmulator.listen}) takes the operator from the TLS client certificate: one the DSS
 * emulator holds for a user with the operator role, or standalone a {@link StaticOperator}'s
 * `certificate`. `/token` takes a SAML token of the DSS emulator's identity centre (WS-Trust at
 * `/STS/Active.svc`) whose subject is an operator, with its proof key protecting each message;
 * standalone it answers a fault. `?wsdl` lists both ports at the host asked. The two functions
 * REST lacks change what REST shows: `SetUserProperty` with `DisplayName` the user's
 * DisplayName, `SetMobileAuthDeviceThumbprint` the `DeviceThumbprint` parameter of the user's
 * myDSS token (searchAuthnTokens).
 *
 * Where the guide is silent the emulator chooses, and keeps to it:
 * - Statuses: an unknown user id answers 404 (as lookup by identifier does, guide, lines
 *   14821-14827), except deleteUser, which answers 200 (line 13231); a caller without a token 401,
 *   a token that is not an operator's own 403, a group the operator is not in 403; every other
 *   refusal 400. The body is `{"Message": …, "ExceptionType": <UmsErrorCode>}`.
 * - Identifiers: compared without regard to case, phone numbers by their digits; a user registered
 *   without a Login gets the phone number (or e-mail) as login (chapter 8, lines 13834-13836).
 * - Searches: positions 0-based, EndPosition excluded; filters all apply; text compared without
 *   regard to case; Like takes SQL patterns (% _ [..]); CreateDate compares as a date-time; GroupId
 *   is the group's position in the policy (1 for the first), or its name. Users come in the order
 *   they were made, tokens by id.
 * - Authentication methods need their data first (phone, e-mail, OATH token, SIM card, myDSS key),
 *   and that data cannot go while its method is in the scheme. Steps 0 to 9.
 * - OATH: a serial the service does not know is imported on assignment; HOTP needs two different
 *   one-time passwords, TOTP takes SecondOtp null. The passwords are not checked against a seed
 *   (the emulator has none).
 * - SIM cards: an ICCID of 18 to 22 digits; the profile defaults to the first crypto provider; the
 *   activation code is random and the applet activation only records its transaction id (the
 *   result would come through the application's notification service, which is not emulated).
 * - myDSS: the QR code is a 1×1 GIF and the XML key vector carries a random key, since there is
 *   no myDSS server; keys live `mobileKeyDays`.
 * - Lockout: LockoutDate is null while locked and the unlock time after. Passwords from
 *   resetPassword are 8 characters with one sign.
 */
export class DssUmsEmulator {
  /** The in-memory data. */
  readonly state: UmsState;
  /** The DSS emulator the service runs beside, when mounted. */
  readonly dss: DssEmulator | undefined;
  /** The composed router: the user management service under `umsPath`, the DSS emulator beside it. */
  readonly router: Router;
  /** Where the service is served, e.g. `/STS/ums`. */
  readonly umsPath: string;
  /** Where the SOAP service is served, e.g. `/STS/UserManagement.svc`. */
  readonly soapPath: string;
  /** Settles once the DSS emulator (when mounted) is ready. */
  readonly ready: Promise<void>;
  readonly #ums: Router;
  readonly #fallback: Router;
  readonly #maxBody: number;
  readonly #operators = new WeakMap<RawRequest, Operator>();
  readonly #policy: () => UmsPolicy;
  readonly #soap: (request: RawRequest) => Promise<RawResponse>;
  /** The addresses of the SOAP endpoint `/token`, its tokens' audiences; `listen` adds them. */
  readonly #soapAudiences: string[] = [];
  /** Standalone: the test CA of the HTTPS server certificate, made when first listening. */
  #ca: Promise<KeyAndCertificate> | undefined;
  #caCertificate: Uint8Array | undefined;
  readonly #tlsKeys = new Map<string, Promise<{ cert: string; key: string }>>();

  /** Makes an emulator and waits until it is ready. */
  static async create(options: DssUmsEmulatorOptions = {}): Promise<DssUmsEmulator> {
    const emulator = new DssUmsEmulator(options);
    await emulator.ready;
    return emulator;
  }

  constructor(options: DssUmsEmulatorOptions = {}) {
    this.dss =
      options.dss === undefined
        ? undefined
        : options.dss instanceof DssEmulator
          ? options.dss
          : new DssEmulator(options.dss);
    const dss = this.dss;
    const now = options.now ?? (dss ? dss.state.options.now : () => new Date());
    const groups = options.groups ?? DEFAULT_GROUPS;
    const identifierTypes = options.identifierTypes ?? DEFAULT_IDENTIFIER_TYPES;
    const cryptoProviders = options.cryptoProviders ?? DEFAULT_CRYPTO_PROVIDERS;
    this.umsPath = trimSlash(options.umsPath ?? DEFAULT_UMS_PATH);
    this.soapPath = trimSlash(options.soapPath ?? DEFAULT_UMS_SOAP_PATH);
    this.#maxBody = options.maxBodyBytes ?? 1024 * 1024;
    this.state = new UmsState(
      {
        now,
        identifierTypes,
        groups,
        rdns: DEFAULT_RDNS,
        cryptoProviders,
        pinLength: options.pinLength ?? 6,
        mobileKeyDays: options.mobileKeyDays ?? 365,
      },
      dss ? dssHooks(dss) : {},
    );
    for (const t of options.oathTokens ?? []) this.state.importToken(t.serial, t.type);
    const operatorGroups = options.operatorGroups ?? {};
    const operatorOf = (login: string, own?: readonly string[]): Operator => ({
      login,
      groups: own ?? operatorGroups[login] ?? groups,
    });

    // The policy: the guide's example, with this emulator's identifier types, groups and
    // providers; Mode follows the DSS emulator's confirmation setting when mounted.
    this.#policy = () =>
      buildPolicy({
        identifierTypes,
        groups,
        mode: dss ? mfaMode(dss.policy.TransactionConfirmation) : 2,
        allowUserRegistration: true,
        cryptoProviders,
        identityProviders: options.identityProviders ?? ["ADFS"],
      });

    let authorize: (request: RawRequest) => Operator | "missing" | "forbidden";
    let certificateOperator: (der: Uint8Array) => Operator | undefined;
    if (dss) {
      // The DSS emulator's accounts are the service's users.
      const hooks = this.state.hooks;
      this.state.hooks = {};
      for (const u of dss.state.users.values()) {
        const user = this.state.createUser({ Login: u.login }, groups[0] ?? "Default", {
          imported: true,
        });
        user.scheme.set(AUTH_METHODS.password, 1);
        if (u.confirmation === "mydss") user.scheme.set(AUTH_METHODS.mobile, 2);
      }
      this.state.hooks = hooks;
      authorize = (request) => {
        const p = dss.state.authenticate(request.headers.authorization);
        if (typeof p === "string") return "missing";
        if (p.user.role !== "operator" || p.actor) return "forbidden";
        return operatorOf(p.user.login);
      };
      // The DSS emulator's own mapping of TLS certificates to users (its /STS/Active.svc/cert).
      certificateOperator = (der) => {
        const user = dss.state.userByCertificate(der);
        return user?.role === "operator" ? operatorOf(user.login) : undefined;
      };
    } else {
      const tokens = new Map(
        (options.operators ?? [{ token: DEFAULT_OPERATOR_TOKEN, login: "operator" }]).map((o) => [
          o.token,
          o,
        ]),
      );
      authorize = (request) => {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
        const o = m ? tokens.get(m[1]!) : undefined;
        return o ? operatorOf(o.login, o.groups) : "missing";
      };
      const certified = [...tokens.values()].flatMap((o) =>
        o.certificate === undefined ? [] : [{ der: Buffer.from(derOf(o.certificate)), o }],
      );
      certificateOperator = (der) => {
        const presented = Buffer.from(der);
        const found = certified.find((c) => c.der.equals(presented))?.o;
        return found ? operatorOf(found.login, found.groups) : undefined;
      };
    }

    const routerOptions = {
      formatError: formatDssUmsError,
      ...(options.responseValidation ? { responseValidation: options.responseValidation } : {}),
      ...(options.onValidationIssue ? { onValidationIssue: options.onValidationIssue } : {}),
      maxBodyBytes: this.#maxBody,
    };
    const handlers = createUmsHandlers(this.state, {
      operatorOf: (request) => {
        const o = this.#operators.get(request);
        if (!o) throw new Error("the request was not authorised");
        return o;
      },
      policy: this.#policy,
    });
    this.#soap = createUmsSoapService({
      path: this.soapPath,
      state: this.state,
      handlers,
      authorise: (request, operator) => this.#operators.set(request, operator),
      certificateOperator,
      ...(dss
        ? {
            token: {
              policy: (): SignServiceTokenPolicy => ({
                issuerKey: dss.stsCertificatePem,
                issuer: dss.stsIssuer,
                audiences: this.#soapAudiences,
                proofKey: (id) => {
                  const record = dss.state.samlTokens.get(id);
                  return record && record.expiresAt > dss.state.nowMs()
                    ? record.proofKey
                    : undefined;
                },
                replayCache: new ReplayCache(),
                verifiedAssertions: new ReplayCache(),
                now: () => new Date(dss.state.nowMs()),
              }),
              operatorOf: (subject: string) => {
                const user = dss.state.users.get(subject);
                return user && user.role === "operator" && !user.locked
                  ? operatorOf(user.login)
                  : undefined;
              },
            },
          }
        : {}),
      maxBodyBytes: this.#maxBody,
      responseValidation: options.responseValidation === "strict" ? "strict" : "off",
    });
    this.#ums = createDssUmsRouter(handlers, {
      ...routerOptions,
      authorize: (request, op) => {
        // Unknown paths answer 404, whoever asks.
        if (!op) return undefined;
        const who = authorize(request);
        if (who === "missing") {
          return { status: 401, message: AUTHORIZATION_DENIED, exception: "Unauthorized" };
        }
        if (who === "forbidden") {
          return {
            status: 403,
            message: "Only a DSS Operator manages users (guide, lines 12418-12424).",
            exception: "Forbidden",
          };
        }
        this.#operators.set(request, who);
        return undefined;
      },
      onResponse: (response) => {
        if (response.status === 401) response.headers["www-authenticate"] ??= "Bearer";
      },
    });
    this.#fallback = createRouter([], {}, schemas, { formatError: formatDssUmsError });
    this.ready = dss ? dss.ready : Promise.resolve();
    this.ready.catch(() => {});
    this.router = routerFrom((request) => this.handle(request), this.#maxBody);
  }

  /** The policy getPolicy answers with. */
  get policy(): UmsPolicy {
    return this.#policy();
  }

  /**
   * Registers users without a request (an emulator-only shortcut for tests and demos), e.g. the
   * 10 000 users a paging test walks through. Each gets a login `${prefix}${n}` and the password
   * method; returns their ids.
   */
  seedUsers(count: number, options: { prefix?: string; group?: string } = {}): string[] {
    const prefix = options.prefix ?? "user";
    const width = String(count).length;
    const group = options.group ?? this.state.options.groups[0] ?? "Default";
    const ids: string[] = [];
    for (let n = 1; n <= count; n++) {
      const user = this.state.createUser(
        { Login: `${prefix}${String(n).padStart(width, "0")}` },
        group,
      );
      user.scheme.set(AUTH_METHODS.password, 1);
      ids.push(user.id);
    }
    return ids;
  }

  /** Answers one request (path and query in `request.url`); never throws. */
  async handle(request: RawRequest): Promise<RawResponse> {
    const q = request.url.indexOf("?");
    const pathname = q < 0 ? request.url : request.url.slice(0, q);
    if (
      pathname === this.umsPath ||
      pathname.toLowerCase().startsWith(`${this.umsPath.toLowerCase()}/`)
    ) {
      const inner = canonicalPath(pathname.slice(this.umsPath.length) || "/");
      return this.#ums.handle({ ...request, url: inner + (q < 0 ? "" : request.url.slice(q)) });
    }
    const soap = this.soapPath.toLowerCase();
    const lower = pathname.toLowerCase();
    if (lower === soap || lower.startsWith(`${soap}/`)) return this.#soap(request);
    if (this.dss) return this.dss.handle(request);
    return this.#fallback.handle(request);
  }

  /** The emulator as a fetch-style handler (`(Request) => Promise<Response>`). */
  fetch(request: Request): Promise<Response> {
    return this.router.fetch(request);
  }

  /**
   * Serves the emulator over HTTP, or over HTTPS with `https` (default 127.0.0.1 on a free port).
   * Over HTTPS the server certificate is issued by the test CA ({@link caCertificatePem}) for
   * `localhost`, `127.0.0.1` and the host listened on, and clients are asked for a certificate
   * (not required at the handshake: the SOAP endpoint `/cert` refuses a request without one with
   * a fault). The SOAP endpoint `/token` accepts tokens for its addresses at this server.
   */
  async listen(options: DssUmsEmulatorListenOptions = {}) {
    await this.ready;
    const { https, ...where } = options;
    const requestCert = typeof https === "object" ? https.requestCert !== false : true;
    const server = https
      ? await listen(this.router, {
          ...where,
          tls: { ...(await this.#tlsServerKeys(where.host ?? "127.0.0.1")), requestCert },
        })
      : await listen(this.router, where);
    const url = new URL(server.url);
    for (const host of new Set([url.hostname, "localhost", "127.0.0.1"])) {
      this.#soapAudiences.push(`${url.protocol}//${host}:${url.port}${this.soapPath}/token`);
    }
    return server;
  }

  /**
   * The test CA's certificate (PEM) the HTTPS server certificate chains to: the DSS emulator's
   * when mounted; standalone, the emulator's own, made when it first listens over HTTPS.
   * @throws Error when standalone and not yet listening over HTTPS.
   */
  get caCertificatePem(): string {
    if (this.dss) return this.dss.caCertificatePem;
    if (!this.#caCertificate) {
      throw new Error("the emulator has no test CA yet: listen with https first");
    }
    return toPem(this.#caCertificate, "CERTIFICATE");
  }

  /** The HTTPS server certificate and key for `host`: the DSS emulator's, or the own CA's. */
  #tlsServerKeys(host: string): Promise<{ cert: string; key: string }> {
    if (this.dss) return this.dss.tlsServerKeys(host);
    let keys = this.#tlsKeys.get(host);
    if (!keys) {
      this.#ca ??= createTestCa({
        commonName: "trustspec DSS UMS emulator test CA",
        algorithm: "ECDSA",
        now: this.state.options.now(),
      }).then((ca) => {
        this.#caCertificate = ca.certificate;
        return ca;
      });
      keys = this.#ca.then((ca) => issueTlsServerKeys(ca, host, this.state.options.now()));
      this.#tlsKeys.set(host, keys);
    }
    return keys;
  }

  /** Stops what the DSS emulator runs in the background (its servers close on their own). */
  async close(): Promise<void> {
    await this.dss?.close();
  }
}

/** Keeps the DSS emulator's accounts in step with the service's users. */
function dssHooks(dss: DssEmulator): UmsAccountHooks {
  const account = (user: UmsUser) => dss.state.users.get(user.login);
  return {
    created(user) {
      // Until the operator resets it, the password is a random one nobody knows.
      dss.state.addUser({
        login: user.login,
        password: randomBytes(24).toString("base64url"),
        role: "user",
        confirmation: "otp",
      });
    },
    deleted(user) {
      dss.state.users.delete(user.login);
    },
    passwordReset(user, password) {
      const a = account(user);
      if (a) a.password = password;
    },
    lockChanged(user) {
      const a = account(user);
      if (a) a.locked = user.locked;
    },
    schemeChanged(user) {
      const a = account(user);
      if (a) a.confirmation = user.scheme.has(AUTH_METHODS.mobile) ? "mydss" : "otp";
    },
  };
}

/** The MfaPolicy code of the DSS policy's TransactionConfirmation (a code, a name or a boolean). */
function mfaMode(value: unknown): MfaPolicy {
  if (value === 0 || value === "On" || value === true) return 0;
  if (value === 1 || value === "Off" || value === false) return 1;
  return 2;
}

/** The service's path templates, for matching paths without regard to letter case. */
const TEMPLATES = [...new Set(operationList.map((op) => op.path))].map((path) => path.split("/"));

/**
 * The path with its literal segments in the letter case of the specification: the service routes
 * paths without regard to case, and the guide writes …/simauth, …/SimAuth, …/MobileAuth and
 * …/mobileauth for the same endpoints (see specs/dss-ums/main.tsp).
 */
export function canonicalPath(path: string): string {
  const parts = path.split("/");
  const trailing = parts.length > 1 && parts[parts.length - 1] === "";
  const segments = trailing ? parts.slice(0, -1) : parts;
  for (const template of TEMPLATES) {
    if (template.length !== segments.length) continue;
    let fits = true;
    for (let i = 0; i < template.length && fits; i++) {
      const t = template[i]!;
      fits = t.startsWith("{") || t.toLowerCase() === segments[i]!.toLowerCase();
    }
    if (!fits) continue;
    const out = template.map((t, i) => (t.startsWith("{") ? segments[i]! : t));
    return out.join("/") + (trailing ? "/" : "");
  }
  return path;
}

/** A certificate given as DER or PEM, as DER. */
function derOf(certificate: Uint8Array | string): Uint8Array {
  return typeof certificate === "string" ? fromPem(certificate) : certificate;
}

function trimSlash(path: string): string {
  const p = path.startsWith("/") ? path : `/${path}`;
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}
