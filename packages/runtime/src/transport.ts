/**
 * The transport of a call, shared by the validating client (client.ts) and the client without
 * validation (lite.ts): the request built from an operation's descriptor, the auth hooks and
 * middleware run around it, the fetch with its timeout, abort and retries, and the body read.
 * Internal: the public side is `callOperation` and `callOperationUnchecked`.
 */
import type {
  CallInput,
  CallOptions,
  ClientOptions,
  IncomingResponse,
  Middleware,
  OutgoingRequest,
  RetryPolicy,
} from "./client.js";
import { acquireDeadline, type Deadline, releaseDeadline } from "./deadline.js";
import {
  AbortError,
  ConfigurationError,
  TimeoutError,
  TransportError,
  ValidationError,
} from "./errors.js";
import { encodeBody } from "./media-type.js";
import { isIdempotent, type OperationDescriptor } from "./operation.js";
import { httpUrlProblem, isHttp, parseUrl } from "./url.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The caller's per-call settings when it gives none. */
export const NO_CALL_OPTIONS: CallOptions = Object.freeze({});
const NO_MIDDLEWARE: readonly Middleware[] = Object.freeze([]);

/**
 * Sends one call and reads its answer: builds the request, runs the auth hooks and middleware's
 * `onRequest`, sends it (once more after a 401 when a hook refreshes its credentials), then runs
 * middleware's `onResponse` on the raw answer.
 */
export async function exchange(
  o: ClientOptions,
  op: OperationDescriptor,
  input: CallInput,
  call: CallOptions,
): Promise<IncomingResponse> {
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
  return response;
}

/** Refuses a base URL without a scheme when the client is made rather than at its first call. */
export function checkBaseUrl(options: ClientOptions): void {
  if (options.baseUrl !== undefined) {
    const problem = httpUrlProblem("baseUrl", options.baseUrl);
    if (problem) throw new ConfigurationError("baseUrl", problem);
  }
}

/** `v` as an array: none, one or several. */
export function toArray<T>(v: T | readonly T[] | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

export function buildRequest(
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
  // A base the URL API cannot read is reported on the call.
  const url = parseUrl(`${baseUrl.replace(/\/$/, "")}/`);
  if (!isHttp(url) || url.search || url.hash || url.username || url.password) return undefined;
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
    let answer: IncomingResponse | undefined;
    // How long to wait before the next attempt, when there is one.
    let wait = 0;
    try {
      const res = await doFetch(request.url, init);
      if ((res.status === 429 || res.status === 503) && attempt < retries) {
        // Not awaited: cancelling a body that is also read elsewhere (a tee) waits for that reader.
        res.body?.cancel().catch(() => {});
        wait = retryDelay(retry!, attempt, res.headers);
      } else {
        // The body is read under the same signal, so a stalled body is a timeout too.
        const body = new Uint8Array(await res.arrayBuffer());
        answer = { operationId: op.operationId, status: res.status, headers: res.headers, body };
      }
    } catch (error) {
      if (error instanceof AbortError) throw error;
      if (caller?.aborted) throw new AbortError(op.operationId, caller.reason);
      if (deadline?.timedOut) throw new TimeoutError(op.operationId, timeoutMs);
      if (attempt >= retries) throw new TransportError(op.operationId, error, request);
      wait = retryDelay(retry!, attempt);
    } finally {
      // Released before a pause for a retry: the wait is not the call's.
      if (deadline) releaseDeadline(deadline);
      if (onAbort) caller!.removeEventListener("abort", onAbort);
    }
    // Returned after `finally`, not from inside the `try`: a return through the `finally` made
    // sequential calls a few per cent slower in the call benchmark.
    if (answer) return answer;
    await delay(op, caller, wait);
  }
}

const DEFAULT_RETRY: RetryPolicy = Object.freeze({});

/**
 * The pause before retry `attempt + 1`: the answer's `Retry-After` (seconds or an HTTP date) when
 * it has one, else an exponential backoff with jitter; never more than the policy's maximum.
 */
function retryDelay(retry: RetryPolicy, attempt: number, headers?: Headers): number {
  const max = retry.maxDelayMs ?? 5_000;
  const value = headers?.get("retry-after");
  if (value) {
    const seconds = Number(value);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
    if (Number.isFinite(ms)) return Math.max(0, Math.min(max, ms));
  }
  const base = (retry.minDelayMs ?? 100) * 2 ** attempt;
  return Math.min(max, base / 2 + Math.random() * (base / 2));
}

/** Waits before a retry; the caller's abort ends the wait with an AbortError. */
function delay(
  op: OperationDescriptor,
  signal: AbortSignal | undefined,
  ms: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(op.operationId, signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function parseBody(response: IncomingResponse, mediaType: string | undefined): unknown {
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
