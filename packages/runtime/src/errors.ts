/**
 * Typed errors shared by every trustspec client, mock and server stub.
 *
 * Messages never contain secrets: anything that might carry a password, token or PIN goes
 * through {@link redact} before it reaches a message.
 */

/** Base class of every error thrown by trustspec code. `code` is stable and machine-readable. */
export class TrustspecError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
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
  readonly status: TStatus;
  readonly operationId: string;
  /** The parsed error body in the API's own format, or the raw text when it was not JSON. */
  readonly body: TBody;
  readonly headers: Headers;

  /**
   * The built-in `instanceof` check. Declared so that `instanceof` narrows to the class with its
   * defaults (`ApiError<unknown>`, so `body` is `unknown`) rather than with `any`.
   */
  static override [Symbol.hasInstance]<T>(
    this: abstract new (
      ...args: never[]
    ) => T,
    value: unknown,
  ): value is T {
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

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
  readonly operationId: string;
  readonly direction: "request" | "response";
  readonly issues: readonly ValidationIssue[];
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
    this.operationId = init.operationId;
    this.direction = init.direction;
    this.issues = init.issues;
  }
}

/** The request never got an HTTP answer (connection refused, DNS, reset). */
export class TransportError extends TrustspecError {
  readonly operationId: string;
  constructor(operationId: string, cause: unknown) {
    super("transport_error", `${operationId}: the request failed before an answer arrived`, {
      cause,
    });
    this.operationId = operationId;
  }
}

/** The call took longer than its timeout. */
export class TimeoutError extends TrustspecError {
  readonly operationId: string;
  readonly timeoutMs: number;
  constructor(operationId: string, timeoutMs: number) {
    super("timeout", `${operationId}: no answer within ${timeoutMs} ms`);
    this.operationId = operationId;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller aborted the call through its AbortSignal. */
export class AbortError extends TrustspecError {
  readonly operationId: string;
  constructor(operationId: string, reason?: unknown) {
    super("aborted", `${operationId}: aborted by the caller`, { cause: reason });
    this.operationId = operationId;
  }
}

function describeBody(body: unknown): string {
  if (body === undefined || body === null || body === "") return "";
  if (typeof body === "string") return `: ${redact(body).slice(0, 200)}`;
  if (typeof body === "object") {
    const o = body as Record<string, unknown>;
    const text = o.Message ?? o.message ?? o.error_description ?? o.error ?? o.Text;
    if (typeof text === "string") return `: ${redact(text).slice(0, 200)}`;
  }
  return "";
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
