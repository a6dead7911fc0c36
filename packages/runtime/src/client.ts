import type { apiBrand } from "./brand.js";
import { checkSchema, type SchemaCheck, type SchemaHolder } from "./compiled.js";
import { ApiError, ValidationError, type ValidationIssue } from "./errors.js";
import type { OperationDescriptor } from "./operation.js";
import { buildRequest, checkBaseUrl, exchange, NO_CALL_OPTIONS, parseBody } from "./transport.js";
import type { ValidationPolicy } from "./validation-types.js";

// Shared with the server stub, which imports them from their own modules; exported here as before.
export { encodeBody, isFormMediaType } from "./media-type.js";

/**
 * Adds credentials to an outgoing request. A hook with `refresh` is asked, when the server answers
 * 401, whether fresh credentials are worth one more try (it drops the refused ones and says yes).
 */
export type AuthHook = ((request: OutgoingRequest) => void | Promise<void>) & {
  /** Asked after a 401: drop the refused credentials and resolve `true` to retry the call once. */
  refresh?: (request: OutgoingRequest) => boolean | Promise<boolean>;
};

/** The request as middleware and auth hooks see it before it is sent. */
export interface OutgoingRequest {
  readonly operationId: string;
  readonly method: string;
  url: URL;
  headers: Headers;
  /** The encoded body; `undefined` when there is none. */
  body: Uint8Array | undefined;
}

/** The answer as middleware sees it: the body is read once, as bytes, before anything parses it. */
export interface IncomingResponse {
  readonly operationId: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/**
 * Runs around every call: `onRequest` may change the outgoing request, `onResponse` may check
 * the raw answer (and throw to reject it), e.g. a response-signature check.
 */
export interface Middleware {
  /** Called before the request is sent; may change its URL, headers or body. */
  onRequest?(request: OutgoingRequest): void | Promise<void>;
  /** Called with the raw answer before it is parsed; throw to reject it. */
  onResponse?(response: IncomingResponse, request: OutgoingRequest): void | Promise<void>;
}

/** When and how often idempotent calls are repeated. */
export interface RetryPolicy {
  /** How many times a failed idempotent call is repeated (default 2). */
  retries?: number;
  /** First delay; doubles on each retry (default 100 ms). */
  minDelayMs?: number;
  /** Cap on one delay, including a server's Retry-After (default 5 000 ms). */
  maxDelayMs?: number;
}

/** Settings of a client created by `createClient`. */
export interface ClientOptions {
  /** The server URL the operation paths are appended to. */
  baseUrl?: string;
  /** The `fetch` used to send requests (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  auth?: AuthHook | readonly AuthHook[];
  headers?: Record<string, string>;
  /** Per-call timeout in milliseconds (default 30 000; 0 disables). */
  timeoutMs?: number;
  /** Retries for idempotent calls on 429, 503 and transport errors; `false` disables. */
  retry?: RetryPolicy | false;
  /** Contract checks of requests and responses (default `strict`). */
  validation?: ValidationPolicy;
  /** Receives contract problems under the `report` policy. */
  onValidationIssue?: (error: ValidationError) => void;
  middleware?: readonly Middleware[];
}

/** Per-call settings that override the client's for one call. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** The values of one call, grouped by where they go. */
export interface CallInput {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
}

/** A successful answer: the status (one of the operation's success codes), its body and headers. */
export interface ApiResult<TStatus extends number = number, TData = unknown> {
  status: TStatus;
  data: TData;
  headers: Headers;
}

/**
 * A configured client for one API: pass it to the generated operation functions.
 *
 * `TApi` names the API the client was made for: a generated client factory returns
 * `Client<"Licence">` (exported as `LicenceClient`), and the operations of another API refuse it
 * at compile time. The plain `Client` (any API) accepts every client, for code that works with
 * clients of any API.
 */
export interface Client<TApi extends string = string> {
  readonly options: Readonly<ClientOptions>;
  /**
   * Checks schemas that an operation's descriptor carries without a compiled validator: the
   * schema bundle's validator for a client made by `createClient`, absent for one made by
   * `createOperationClient` (whose operations all carry compiled validators).
   */
  readonly validator?: SchemaCheck;
  /** Type-level only: the API the client was made for; never present at run time. */
  readonly [apiBrand]?: TApi;
}

/**
 * A client for operations whose descriptors carry validators compiled when they were generated,
 * as generated operations do: no schema bundle and no schema compiler come with it, so a bundle
 * of one operation carries that operation's validators only. Generated factories call it.
 */
export function createOperationClient<TApi extends string = string>(
  options: ClientOptions = {},
): Client<NoInfer<TApi>> {
  checkBaseUrl(options);
  return { options: { ...options } };
}

/** Performs one operation: builds the request, sends it, checks and parses the answer. */
export async function callOperation<TResult extends ApiResult>(
  client: Client,
  op: OperationDescriptor,
  input: CallInput,
  call: CallOptions = NO_CALL_OPTIONS,
): Promise<TResult> {
  const o = client.options;
  const policy = o.validation ?? "strict";
  if (policy !== "off") checkRequest(client, op, input, policy);

  const response = await exchange(o, op, input, call);

  const spec = op.responses[response.status] ?? op.responses.default;
  const data = parseBody(response, spec?.mediaType);
  if (!op.success.includes(response.status)) {
    if (policy !== "off" && spec && typeof data === "object") {
      report(client, op, "response", check(client, spec, data), "report");
    }
    throw new ApiError({
      status: response.status,
      operationId: op.operationId,
      body: data,
      headers: response.headers,
    });
  }
  if (policy !== "off" && spec) {
    report(client, op, "response", check(client, spec, data), policy);
  }
  return { status: response.status, data, headers: response.headers } as TResult;
}

/**
 * The URL of an operation with its path and query parameters filled in, checked against the
 * contract as a call would be: for operations a browser opens rather than a program calls (an
 * OAuth authorize endpoint answers with a redirect).
 */
export function operationUrl(client: Client, op: OperationDescriptor, input: CallInput = {}): URL {
  const policy = client.options.validation ?? "strict";
  if (policy !== "off") checkRequest(client, op, input, policy);
  return buildRequest(client.options, op, input, {}).url;
}

function checkRequest(
  client: Client,
  op: OperationDescriptor,
  input: CallInput,
  policy: ValidationPolicy,
) {
  const issues: ValidationIssue[] = [];
  for (const p of op.params) {
    const group = p.in === "path" ? input.path : p.in === "query" ? input.query : input.headers;
    const value = group?.[p.name];
    if (value === undefined || value === null) {
      if (p.required) issues.push({ path: `/${p.in}/${p.name}`, message: "is required" });
      continue;
    }
    if (p.schema || p.validate) {
      for (const i of check(client, p, value))
        issues.push({ path: `/${p.in}/${p.name}${i.path}`, message: i.message });
    }
  }
  if ((op.requestBody?.schema || op.requestBody?.validate) && input.body !== undefined) {
    for (const i of check(client, op.requestBody, input.body))
      issues.push({ path: `/body${i.path}`, message: i.message });
  } else if (op.requestBody?.required && input.body === undefined) {
    issues.push({ path: "/body", message: "is required" });
  }
  report(client, op, "request", issues, policy);
}

function check(client: Client, holder: SchemaHolder, value: unknown): ValidationIssue[] {
  return checkSchema(holder, value, client.validator);
}

function report(
  client: Client,
  op: OperationDescriptor,
  direction: "request" | "response",
  issues: ValidationIssue[],
  policy: ValidationPolicy,
) {
  if (issues.length === 0 || policy === "off") return;
  const error = new ValidationError({ operationId: op.operationId, direction, issues });
  if (policy === "strict") throw error;
  client.options.onValidationIssue?.(error);
}
