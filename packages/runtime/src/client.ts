import type { apiBrand } from "./brand.js";
import { checkSchema, type SchemaCheck, type SchemaHolder } from "./compiled.js";
import { acquireDeadline, type Deadline, releaseDeadline } from "./deadline.js";
import {
  AbortError,
  ApiError,
  ConfigurationError,
  TimeoutError,
  TransportError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
import { encodeBody } from "./media-type.js";
import { isIdempotent, type OperationDescriptor } from "./operation.js";
import { httpUrlProblem } from "./url.js";
import { type SchemaBundle, type ValidationPolicy, validatorFor } from "./validation.js";

// Shared with the server stub, which imports them from their own modules; exported here as before.
export { encodeBody, isFormMediaType } from "./media-type.js";
export { validatorFor } from "./validation.js";

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
 * A client of the API whose schemas are `bundle`. Generated factories name the API in `TApi`; it
 * is never inferred from where the client is passed.
 */
export function createClient<TApi extends string = string>(
  bundle: SchemaBundle,
  options: ClientOptions = {},
): Client<NoInfer<TApi>> {
  checkBaseUrl(options);
  return { options: { ...options }, validator: validatorFor(bundle) };
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

function checkBaseUrl(options: ClientOptions): void {
  // Checked here, so a base URL without a scheme fails at once rather than at the first call.
  if (options.baseUrl !== undefined) {
    const problem = httpUrlProblem("baseUrl", options.baseUrl);
    if (problem) throw new ConfigurationError("baseUrl", problem);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

  const hooks = toArray(o.auth);
  const middleware = o.middleware ?? NO_MIDDLEWARE;
  let request: OutgoingRequest;
  let response: IncomingResponse;
  // Hooks and middleware are awaited only when they return a promise: most are synchronous, and
  // each needless await is one more turn of the microtask queue on every call.
  for (let attempt = 0; ; attempt++) {
    request = buildRequest(o, op, input, call);
    for (const hook of hooks) {
      const pending = hook(request);
      if (pending) await pending;
    }
    for (const m of middleware) {
      const pending = m.onRequest?.(request);
      if (pending) await pending;
    }
    response = await send(o, op, request, call);
    if (response.status !== 401 || attempt > 0) break;
    // One more try with fresh credentials, if a hook can get them; never a loop.
    let retry = false;
    for (const hook of hooks) if (hook.refresh && (await hook.refresh(request))) retry = true;
    if (!retry) break;
  }
  for (const m of middleware) {
    const pending = m.onResponse?.(response, request);
    if (pending) await pending;
  }

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

const NO_CALL_OPTIONS: CallOptions = Object.freeze({});
const NO_MIDDLEWARE: readonly Middleware[] = Object.freeze([]);

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

function buildRequest(
  o: ClientOptions,
  op: OperationDescriptor,
  input: CallInput,
  call: CallOptions,
): OutgoingRequest {
  let path = op.path;
  let query: URLSearchParams | undefined;
  const headers = new Headers(o.headers);
  for (const p of op.params) {
    const value =
      p.in === "path"
        ? input.path?.[p.name]
        : p.in === "query"
          ? input.query?.[p.name]
          : input.headers?.[p.name];
    if (value === undefined || value === null) continue;
    if (p.in === "path") {
      const text = String(value);
      // `.` and `..` pass encodeURIComponent unchanged and the URL parser would then move up
      // the path: the call would reach another resource. Refused whatever the validation policy.
      if (text === "." || text === "..") throw dotSegment(op, p.name);
      path = path.replace(`{${p.name}}`, encodeURIComponent(text));
    } else if (p.in === "query") {
      query ??= new URLSearchParams();
      query.append(p.name, String(value));
    } else headers.set(p.name, String(value));
  }
  const url = operationHref(o, path, query);
  if (call.headers) for (const [k, v] of Object.entries(call.headers)) headers.set(k, v);
  let body: Uint8Array | undefined;
  if (op.requestBody && input.body !== undefined) {
    body = encoder.encode(encodeBody(input.body, op.requestBody.mediaType));
    headers.set("content-type", op.requestBody.mediaType);
  }
  if (!headers.has("accept")) headers.set("accept", "application/json");
  return { operationId: op.operationId, method: op.method, url, headers, body };
}

function dotSegment(op: OperationDescriptor, name: string): ValidationError {
  return new ValidationError({
    operationId: op.operationId,
    direction: "request",
    issues: [
      {
        path: `/path/${name}`,
        message:
          "must not be '.' or '..': as a path segment it would change which resource is called",
      },
    ],
  });
}

/**
 * The base URL with the operation's path (parameters filled in) appended to its path, and the
 * query. A plain `http(s)://host/path` base is turned into a string prefix once per client, so a
 * call parses one URL; a base with a query, fragment or credentials goes through the URL API.
 */
function operationHref(o: ClientOptions, path: string, query: URLSearchParams | undefined): URL {
  const prefix = urlPrefix(o);
  if (prefix !== undefined && !path.includes("?") && !path.includes("#")) {
    const search = query?.toString();
    return new URL(search ? `${prefix}${path}?${search}` : prefix + path);
  }
  const url = new URL(`${(o.baseUrl ?? "").replace(/\/$/, "")}/`);
  if (query) for (const [k, v] of query) url.searchParams.append(k, v);
  url.pathname = url.pathname.replace(/\/$/, "") + path;
  return url;
}

const prefixes = new WeakMap<ClientOptions, { baseUrl: string | undefined; prefix?: string }>();

function urlPrefix(o: ClientOptions): string | undefined {
  let entry = prefixes.get(o);
  if (entry === undefined || entry.baseUrl !== o.baseUrl) {
    entry = { baseUrl: o.baseUrl };
    const prefix = plainPrefix(o.baseUrl ?? "");
    if (prefix !== undefined) entry.prefix = prefix;
    prefixes.set(o, entry);
  }
  return entry.prefix;
}

/** `http(s)://host[:port]/base/path` without its trailing slash, or `undefined` for other bases. */
function plainPrefix(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(`${baseUrl.replace(/\/$/, "")}/`);
  } catch {
    return undefined; // the URL API reports it on the call
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.search || url.hash || url.username || url.password) return undefined;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, "")}`;
}

async function send(
  o: ClientOptions,
  op: OperationDescriptor,
  request: OutgoingRequest,
  call: CallOptions,
): Promise<IncomingResponse> {
  const doFetch = o.fetch ?? globalThis.fetch;
  // Retries are on unless `retry: false`; an absent policy means the defaults.
  const retry = o.retry === false ? undefined : (o.retry ?? DEFAULT_RETRY);
  const retries = retry && isIdempotent(op.method) ? (retry.retries ?? 2) : 0;
  const timeoutMs = call.timeoutMs ?? o.timeoutMs ?? 30_000;
  const caller = call.signal;
  for (let attempt = 0; ; attempt++) {
    // Each attempt is aborted by the caller's signal or by its deadline, which is released as
    // soon as the body is read. Without a caller's signal the deadline's controller may be shared
    // with calls of nearly the same deadline (see deadline.ts); with one, the attempt gets a
    // controller of its own. Without a timeout the caller's signal is used as it is; without
    // either, fetch gets no signal.
    let deadline: Deadline | undefined;
    let onAbort: (() => void) | undefined;
    let signal: AbortSignal | undefined = caller;
    if (timeoutMs > 0) {
      deadline = acquireDeadline(timeoutMs, caller === undefined);
      const controller = deadline.controller;
      signal = controller.signal;
      if (caller) {
        onAbort = () => controller.abort(caller.reason);
        if (caller.aborted) onAbort();
        else caller.addEventListener("abort", onAbort, { once: true });
      }
    }
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      body: request.body as Uint8Array<ArrayBuffer> | undefined,
    };
    if (signal) init.signal = signal;
    let res: Response;
    let body: Uint8Array;
    try {
      res = await doFetch(request.url, init);
      if ((res.status === 429 || res.status === 503) && attempt < retries) {
        // Not awaited: cancelling a body that is also read elsewhere (a tee) waits for that reader.
        res.body?.cancel().catch(() => {});
        // Released before the pause (and not again by `finally`): the wait is not the call's.
        if (deadline) releaseDeadline(deadline);
        deadline = undefined;
        await pause(op, caller, retryAfter(res.headers, retry!) ?? backoff(retry!, attempt));
        continue;
      }
      // The body is read under the same signal, so a stalled body is a timeout too.
      body = new Uint8Array(await res.arrayBuffer());
    } catch (error) {
      if (error instanceof AbortError) throw error;
      if (caller?.aborted) throw new AbortError(op.operationId, caller.reason);
      if (deadline?.timedOut) throw new TimeoutError(op.operationId, timeoutMs);
      if (attempt < retries) {
        if (deadline) releaseDeadline(deadline);
        deadline = undefined;
        await pause(op, caller, backoff(retry!, attempt));
        continue;
      }
      throw new TransportError(op.operationId, error, request);
    } finally {
      if (deadline) releaseDeadline(deadline);
      if (onAbort) caller!.removeEventListener("abort", onAbort);
    }
    return { operationId: op.operationId, status: res.status, headers: res.headers, body };
  }
}

const DEFAULT_RETRY: RetryPolicy = Object.freeze({});

/** Waits before a retry; the caller's abort ends the wait with an AbortError. */
async function pause(op: OperationDescriptor, signal: AbortSignal | undefined, ms: number) {
  try {
    await delay(ms, signal);
  } catch {
    throw new AbortError(op.operationId, signal?.reason);
  }
}

function backoff(retry: RetryPolicy, attempt: number): number {
  const base = (retry.minDelayMs ?? 100) * 2 ** attempt;
  return Math.min(retry.maxDelayMs ?? 5_000, base / 2 + Math.random() * (base / 2));
}

function retryAfter(headers: Headers, retry: RetryPolicy): number | undefined {
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, Math.min(retry.maxDelayMs ?? 5_000, ms)) : undefined;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function parseBody(response: IncomingResponse, mediaType: string | undefined): unknown {
  if (response.body.byteLength === 0) return undefined;
  const text = decoder.decode(response.body);
  const type = response.headers.get("content-type") ?? mediaType ?? "";
  if (type.includes("json") || mediaType?.includes("json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
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

function toArray<T>(v: T | readonly T[] | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];
}
