/**
 * Typed errors shared by every trustspec client, mock and server stub.
 *
 * Messages never contain secrets: anything that might carry a password, token or PIN goes
 * through {@link redact} before it reaches a message.
 *
 * Fields are `declare`d and set by the constructors: the same properties, without a field
 * definition per class in every bundle that carries the errors.
 */

import { safeUrl, scrubUrls } from "./url.js";

/** Base class of every error thrown by trustspec code. `code` is stable and machine-readable. */
export class TrustspecError extends Error {
  declare readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Each of the package's own error classes sets its name as a literal after this, because a
    // minifying bundler renames classes; a subclass written elsewhere gets its class's name.
    this.name = new.target === TrustspecError ? "TrustspecError" : new.target.name;
    this.code = code;
  }
}

/**
 * The server answered with a status the operation does not treat as success.
 *
 * `error instanceof ApiError` gives `ApiError<unknown>`: check the body before use, or use the
 * operation's generated guard (`isListLicencesError(error)`), which types `body` as the
 * operation's documented error responses.
 */
export class ApiError<TBody = unknown, TStatus extends number = number> extends TrustspecError {
  declare readonly status: TStatus;
  declare readonly operationId: string;
  /** The parsed error body in the API's own format, or the raw text when it was not JSON. */
  declare readonly body: TBody;
  declare readonly headers: Headers;

  /**
   * The built-in `instanceof` check. Declared so that `instanceof` narrows to the class with its
   * defaults (`ApiError<unknown>`, so `body` is `unknown`) rather than with `any`. A declaration
   * only: the check at run time is `Function.prototype`'s, and no bundle carries code for it.
   */
  declare static readonly [Symbol.hasInstance]: <T>(
    this: abstract new (
      ...args: never[]
    ) => T,
    value: unknown,
  ) => value is T;

  constructor(init: {
    status: TStatus;
    operationId: string;
    body: TBody;
    headers: Headers;
    message?: string;
  }) {
    super(
      "api_error",
      init.message ??
        `${init.operationId} failed with HTTP ${init.status}${describeBody(init.body)}`,
    );
    this.name = "ApiError";
    this.status = init.status;
    this.operationId = init.operationId;
    this.body = init.body;
    this.headers = init.headers;
  }
}

/** One problem found by schema validation. `path` is a JSON pointer into the checked value. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** A request or response did not match the contract. */
export class ValidationError extends TrustspecError {
  declare readonly operationId: string;
  declare readonly direction: "request" | "response";
  declare readonly issues: readonly ValidationIssue[];
  constructor(init: {
    operationId: string;
    direction: "request" | "response";
    issues: readonly ValidationIssue[];
  }) {
    const first = init.issues
      .slice(0, 3)
      .map((i) => `${i.path || "/"} ${i.message}`)
      .join("; ");
    super(
      "validation_error",
      `${init.operationId}: ${init.direction} does not match the contract: ${first}${init.issues.length > 3 ? ` (+${init.issues.length - 3} more)` : ""}`,
    );
    this.name = "ValidationError";
    this.operationId = init.operationId;
    this.direction = init.direction;
    this.issues = init.issues;
  }
}

/** What a {@link TransportError} knows of the request that failed. */
export interface TransportErrorRequest {
  method: string;
  url: string | URL;
}

/**
 * The request never got an HTTP answer: the connection was refused or reset, the host name did
 * not resolve, TLS failed, or the fetch function threw.
 *
 * The message names the operation, the method and URL, and the failure under it, e.g.
 * `listLicences: GET http://127.0.0.1:9099/api/licences failed before an answer arrived:
 * ECONNREFUSED 127.0.0.1:9099`. The URL is shown without credentials (userinfo), query values
 * (each becomes `[redacted]`; the names stay) and fragment; the failure's own text goes through
 * the same rule and {@link redact}. The unchanged error is the `cause`.
 */
export class TransportError extends TrustspecError {
  declare readonly operationId: string;
  /** The request's method, when it is known. */
  declare readonly method: string | undefined;
  /** The request's URL as the message shows it (no credentials, no query values), when known. */
  declare readonly url: string | undefined;
  /**
   * The code of the system or network error under the failure, found along the `cause` chain:
   * `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `ETIMEDOUT`, `UND_ERR_SOCKET`,
   * `CERT_HAS_EXPIRED`, … `undefined` when no error of the chain has one.
   */
  declare readonly systemCode: string | undefined;
  constructor(operationId: string, cause: unknown, request?: TransportErrorRequest) {
    const [code, text] = describeFailure(cause);
    const method = request?.method.toUpperCase();
    const url = request && safeUrl(request.url);
    super(
      "transport_error",
      `${operationId}: ${request ? `${method} ${url}` : "the request"} failed before an answer arrived: ${clip(text)}`,
      { cause },
    );
    this.name = "TransportError";
    this.operationId = operationId;
    this.method = method;
    this.url = url;
    this.systemCode = code;
  }
}

/**
 * A client or command was given an option it cannot work with (a base URL without a scheme, a
 * file that cannot be read, a port in use). Thrown when the client or command is set up, not on
 * its first call; the message names the option and what it expects, without credentials.
 */
export class ConfigurationError extends TrustspecError {
  /** The option at fault, as the caller spells it: `baseUrl`, `url`, `--signing-key`, `--port`. */
  declare readonly option: string;
  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super("configuration_error", message, options);
    this.name = "ConfigurationError";
    this.option = option;
  }
}

/** The call took longer than its timeout. */
export class TimeoutError extends TrustspecError {
  declare readonly operationId: string;
  declare readonly timeoutMs: number;
  constructor(operationId: string, timeoutMs: number) {
    super("timeout", `${operationId}: no answer within ${timeoutMs} ms`);
    this.name = "TimeoutError";
    this.operationId = operationId;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller aborted the call through its AbortSignal. */
export class AbortError extends TrustspecError {
  declare readonly operationId: string;
  constructor(operationId: string, reason?: unknown) {
    super("aborted", `${operationId}: aborted by the caller`, { cause: reason });
    this.name = "AbortError";
    this.operationId = operationId;
  }
}

/**
 * The failure under a transport error, in one line: the first code along the `cause` chain with
 * the address it concerns (`ECONNREFUSED 127.0.0.1:9099`, `ENOTFOUND api.example`), else the
 * innermost message. URLs in it are shown without credentials and query values.
 */
function describeFailure(cause: unknown): [code: string | undefined, text: string] {
  let current: unknown = cause;
  let innermost: unknown = cause;
  for (let depth = 0; depth < 8 && current != null; depth++) {
    innermost = current;
    if (typeof current !== "object") break;
    const o = current as { code?: unknown; cause?: unknown };
    if (typeof o.code === "string" && o.code !== "" && !(current instanceof TrustspecError)) {
      return [o.code, describeCoded(o.code, current)];
    }
    current = o.cause;
  }
  const message =
    innermost instanceof Error
      ? innermost.message
      : innermost === undefined
        ? ""
        : String(innermost);
  return [undefined, clean(message) || "no details"];
}

/** `CODE address:port[, …]`, `CODE host`, or the code with the error's message. */
function describeCoded(code: string, error: object): string {
  const e = error as { errors?: unknown; hostname?: unknown; message?: unknown };
  const parts = Array.isArray(e.errors) ? e.errors : [error];
  const addresses = [...new Set(parts.map(addressOf).filter((a): a is string => a !== undefined))];
  if (addresses.length > 0) return `${code} ${addresses.join(", ")}`;
  if (typeof e.hostname === "string" && e.hostname !== "") return `${code} ${e.hostname}`;
  const message = typeof e.message === "string" ? clean(e.message) : "";
  if (message === "") return code;
  return message.includes(code) ? message : `${code}: ${message}`;
}

function addressOf(error: unknown): string | undefined {
  const { address, port } = (error ?? {}) as { address?: unknown; port?: unknown };
  if (typeof address !== "string" || address === "") return undefined;
  const host = address.includes(":") ? `[${address}]` : address;
  return typeof port === "number" ? `${host}:${port}` : host;
}

/** The first line of a message, URLs shown safely and secrets redacted. */
function clean(message: string): string {
  return redact(scrubUrls(message.split("\n")[0]!.trim()));
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** `: ` and the text of an error body (a string, or the message field of a JSON object), redacted. */
function describeBody(body: unknown): string {
  const o = body as Record<string, unknown> | null;
  const text =
    typeof body === "object" && o !== null
      ? (o.Message ?? o.message ?? o.error_description ?? o.error ?? o.Text)
      : body;
  return typeof text === "string" && text !== "" ? `: ${redact(text).slice(0, 200)}` : "";
}

const SECRET_KEY =
  /(pass(word)?|secret|token|pin|authorization|signature|otp|code_verifier|client_secret)/i;

/**
 * Removes secrets from a free text: `key=value` and `"key": "value"` pairs whose key names a
 * secret, and `Basic`/`Bearer` credentials.
 */
export function redact(text: string): string {
  return (
    text
      // Auth schemes are case-insensitive (RFC 9110), so is `bearer xyz`.
      .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi, "$1 [redacted]")
      // A quoted value runs to its closing quote, or to the end of a cut-off text.
      .replace(
        /("?)([A-Za-z_]*(?:pass(?:word)?|secret|token|pin|otp)[A-Za-z_]*)\1(\s*[:=]\s*)(?:(")(?:[^"\\]|\\.)*"?|[^"&\s,}]*)/gi,
        (_m, q: string, key: string, sep: string, vq: string | undefined) =>
          `${q}${key}${q}${sep}${vq ?? ""}[redacted]${vq ?? ""}`,
      )
  );
}

/** Whether a header or field name names a secret whose value must never be shown. */
export function isSecretName(name: string): boolean {
  return SECRET_KEY.test(name);
}
