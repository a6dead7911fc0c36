import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import type { ValidationIssue, ValidationPolicy } from "@trustspec/runtime/core";
import { parseBasicAuth } from "@trustspec/runtime/core";
import {
  type ErrorInfo,
  HttpError,
  listen,
  type RawRequest,
  type Router,
} from "@trustspec/runtime/server";
import {
  createLicenceRouter,
  formatLicenceError,
  type LicenceHandlers,
} from "../generated/server.gen.js";
import type { ServerInfo } from "../generated/types.gen.js";
import { signingHook } from "../sign-responses.js";
import { demoData } from "./demo.js";
import { EmulatorError, LicenceServerState, type LicenceTemplate } from "./state.js";

export { EmulatorError, LicenceServerState, type LicenceTemplate } from "./state.js";

/** Settings of the licensing server emulator. */
export interface LicenceEmulatorOptions {
  /** Private key that signs every answer (PEM or KeyObject). Default: a fresh RSA-2048 key pair. */
  signingKey?: KeyObject | string;
  /** Basic-auth credentials the emulator accepts (default admin/admin, as the real server). */
  credentials?: { username: string; password: string };
  /** The clock (default: the system clock). */
  now?: () => Date;
  /** Start with the demo licences, connection and session. */
  demo?: boolean;
  activationCodes?: Record<string, LicenceTemplate>;
  hardwareKeys?: number[];
  sessionLifetimeMs?: number;
  serverInfo?: Partial<ServerInfo>;
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

const SERVER_VERSION = "3.0.34.11319";

/**
 * Reason texts of error bodies where the document prints the server's own: its one captured error
 * body says "Not found" (3.0.34 doc, line 109), not the standard "Not Found".
 */
const DOCUMENT_TEXTS: Readonly<Record<number, string>> = { 404: "Not found" };

/**
 * A stateful, in-memory licensing server on the generated server stub: licences installed from
 * activation codes, user memory behind passwords, sessions taking licences, connections, Basic
 * auth, and every answer signed like the real server's.
 */
export class LicenceEmulator {
  readonly state: LicenceServerState;
  readonly router: Router;
  /** The key that verifies this emulator's answers. */
  readonly publicKey: KeyObject;
  readonly handlers: LicenceHandlers;

  constructor(options: LicenceEmulatorOptions = {}) {
    const now = options.now ?? (() => new Date());
    this.state = new LicenceServerState({
      now,
      ...(options.activationCodes ? { activationCodes: options.activationCodes } : {}),
      ...(options.hardwareKeys ? { hardwareKeys: options.hardwareKeys } : {}),
      ...(options.sessionLifetimeMs ? { sessionLifetimeMs: options.sessionLifetimeMs } : {}),
    });
    let privateKey: KeyObject;
    if (options.signingKey) {
      privateKey =
        typeof options.signingKey === "string"
          ? createPrivateKey(options.signingKey)
          : options.signingKey;
    } else {
      privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    }
    this.publicKey = createPublicKey(privateKey);
    if (options.demo) demoData(this.state);
    const started = now().toISOString();
    const info: ServerInfo = {
      ComputerName: "LICENCE-EMULATOR",
      LocalIP: "127.0.0.1",
      OSType: "Linux",
      OSVersion: "trustspec emulator",
      ModuleName: "trustspec-mock licence",
      PID: process.pid,
      CPU: "x86_64",
      Version: SERVER_VERSION,
      Started: started,
      ComputerID: "0".repeat(40),
      ...options.serverInfo,
    } as ServerInfo;
    this.handlers = createHandlers(this.state, info);
    const credentials = options.credentials ?? { username: "admin", password: "admin" };
    const sign = signingHook(privateKey);
    const formatError = (info: ErrorInfo) =>
      formatLicenceError({ ...info, text: DOCUMENT_TEXTS[info.status] ?? info.text });
    this.router = createLicenceRouter(this.handlers, {
      formatError,
      authorize: (request) => checkBasicAuth(request, credentials),
      ...(options.responseValidation ? { responseValidation: options.responseValidation } : {}),
      ...(options.onValidationIssue ? { onValidationIssue: options.onValidationIssue } : {}),
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      onResponse: (response, request) => {
        if (response.status === 401) response.headers["www-authenticate"] = 'Basic realm="Licence"';
        sign(response, request);
      },
    });
  }

  /** Serves the emulator over HTTP (default 127.0.0.1 on a free port). */
  listen(options: { host?: string; port?: number } = {}) {
    return listen(this.router, options);
  }
}

function checkBasicAuth(request: RawRequest, expected: { username: string; password: string }) {
  const given = parseBasicAuth(request.headers.authorization);
  if (!given)
    return { status: 401, message: "Authentication is required.", exception: "EHTTPUnauthorized" };
  if (given.username !== expected.username || given.password !== expected.password) {
    return {
      status: 401,
      message: "The user name or password is wrong.",
      exception: "EHTTPUnauthorized",
    };
  }
  return undefined;
}

/** Runs a state operation; its EmulatorError becomes an answer in the API's error format. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EmulatorError) throw new HttpError(e.status, e.message, e.exception);
    throw e;
  }
}

/** A parameter given in the query or in the JSON body; missing means the empty string. */
function pick(query: Record<string, unknown>, body: unknown, name: string): string {
  const q = query[name];
  if (q !== undefined) return String(q);
  const b = body && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
  return b === undefined || b === null ? "" : String(b);
}

function createHandlers(state: LicenceServerState, info: ServerInfo): LicenceHandlers {
  return {
    getApiInfo: () => ({
      status: 200,
      body: {
        Version: info.Version,
        Urns: ["/api/serverinfo", "/api/licences", "/api/connections", "/api/sessions"],
      },
    }),
    getServerInfo: () => ({ status: 200, body: info }),
    listLicences: () => ({ status: 200, body: { Licences: state.list() } }),
    getLicence: ({ path }) =>
      guard(() => ({ status: 200, body: state.view(state.get(path.KeyNo)) })),
    readMemory: ({ path, query, body }) =>
      guard(() => ({
        status: 200,
        body: {
          KeyNo: path.KeyNo,
          Value: state.readMemory(path.KeyNo, pick(query ?? {}, body, "Password")),
        },
      })),
    writeMemory: ({ path, query, body }) =>
      guard(() => {
        const q = query ?? {};
        state.writeMemory(path.KeyNo, pick(q, body, "Password"), pick(q, body, "Value"));
        return { status: 202 };
      }),
    setMemoryPasswords: ({ path, query, body }) =>
      guard(() => {
        const q = query ?? {};
        state.setMemoryPasswords(path.KeyNo, {
          read: pick(q, body, "ReadPassword"),
          write: pick(q, body, "WritePassword"),
          newRead: pick(q, body, "NewReadPassword"),
          newWrite: pick(q, body, "NewWritePassword"),
        });
        return { status: 202 };
      }),
    resetMemory: ({ path }) =>
      guard(() => {
        state.resetMemory(path.KeyNo);
        return { status: 202 };
      }),
    installLicence: ({ body }) => guard(() => ({ status: 201, body: state.install(body) })),
    updateLicences: () => ({ status: 200, body: { Licences: state.update() } }),
    listConnections: () => ({
      status: 200,
      body: { Connections: [...state.connections.values()].map((c) => state.connectionView(c)) },
    }),
    getConnection: ({ path }) =>
      guard(() => {
        const c = state.connections.get(path.ID);
        if (!c)
          throw new EmulatorError(
            404,
            `Connection ${path.ID} was not found.`,
            "EConnectionNotFound",
          );
        return { status: 200, body: state.connectionView(c) };
      }),
    listSessions: () => ({
      status: 200,
      body: { Sessions: [...state.sessions.values()].map((s) => state.publicSession(s)) },
    }),
    getSession: ({ path }) =>
      guard(() => {
        const s = state.sessions.get(path.ID);
        if (!s)
          throw new EmulatorError(404, `Session ${path.ID} was not found.`, "ESessionNotFound");
        return { status: 200, body: state.publicSession(s) };
      }),
    createSession: ({ body, request }) =>
      guard(() => {
        const { created, licence } = state.createSession(
          body,
          request.remoteAddress ?? "127.0.0.1",
        );
        return { status: created ? 201 : 200, body: licence };
      }),
  } as LicenceHandlers;
}
