import type { apiBrand } from "../brand.js";
import {
  AbortError,
  ConfigurationError,
  TimeoutError,
  TransportError,
  ValidationError,
} from "../errors.js";
import { httpUrlProblem } from "../url.js";
import type { ValidationPolicy } from "../validation-types.js";
import { decodeRoot, toXml, type XmlElementDescriptor } from "../xml/codec.js";
import { XmlError, type XmlLimits, xmlLimits } from "../xml/parse.js";
import {
  addressingAction,
  addressingRequestHeaders,
  readAddressingHeaders,
  replyAction,
} from "./addressing.js";
import { elementIssues, requireCompiledValidators } from "./element-checks.js";
import {
  buildEnvelope,
  parseEnvelope,
  readFault,
  type SoapEnvelope,
  SoapFault,
  SoapFaultError,
  type SoapVersion,
  soapContentType,
} from "./envelope.js";
import type { SoapServiceDescriptor } from "./service.js";

/**
 * The client side of SOAP over HTTP: one envelope sent and its answer read within limits (body
 * size, then the XML limits while parsing), and the generated operations on top of it.
 */

/** How much of an answer a SOAP client reads. */
export interface SoapReadLimits {
  /**
   * Largest answer body read, in bytes (default 16 MiB): a larger one is refused from its
   * `Content-Length`, or as soon as that many bytes have arrived, without reading the rest.
   */
  maxResponseBytes?: number;
  /** How much the answer's XML may hold, checked while it is read (default `DEFAULT_XML_LIMITS`). */
  xmlLimits?: Partial<XmlLimits>;
}

/** The default largest answer a SOAP client reads. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * What a client's {@link SoapClientSecurity} hook is told about the call. The same object is
 * given to `protect` and to `open` of one call, so a hook may keep per-call state keyed by it
 * (e.g. in a `WeakMap`).
 */
export interface SoapClientSecurityContext {
  /** The operation's name as the service descriptor gives it. */
  readonly operation: string;
  /** The action the request carries (`wsa:Action` with addressing, else the SOAP action). */
  readonly action: string;
  /** The URL the request is sent to. */
  readonly url: string;
  /** The answer's HTTP status, set before `open` is called. */
  status?: number;
}

/**
 * Message security applied by a client to whole envelopes (e.g. WS-Security with a symmetric
 * proof key, which signs the WS-Addressing headers with the body and encrypts the body).
 */
export interface SoapClientSecurity {
  /**
   * Rewrites the complete request envelope (XML text, WS-Addressing and `soapHeaders` blocks
   * already in it) just before it is sent.
   */
  protect(envelope: string, context: SoapClientSecurityContext): string | Promise<string>;
  /**
   * Checks and rewrites the answer's text (as received, within `maxResponseBytes`) before it is
   * parsed and decoded; it is called for faults too. Whatever it throws on a successful answer
   * (HTTP status below 300) reaches the caller unchanged. When it throws on a fault answer (the
   * service's security faults travel unprotected), the fault as received is reported instead: a
   * {@link SoapFaultError}, which never yields a result.
   */
  open?(answer: string, context: SoapClientSecurityContext): string | Promise<string>;
}

export interface SoapClientOptions extends SoapReadLimits {
  /**
   * The service URL (default: the address the WSDL names): an absolute http:// or https:// URL,
   * checked by {@link createSoapClient} (a `ConfigurationError` otherwise).
   */
  url?: string;
  /** The `fetch` used to send requests (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** Per-call timeout in milliseconds (default 30 000; 0 disables). */
  timeoutMs?: number;
  /** Extra HTTP headers on every call. */
  headers?: Record<string, string>;
  /** Header blocks (XML text) for every envelope, e.g. WS-Security. */
  soapHeaders?: () => string[] | Promise<string[]>;
  /** Message security over the whole envelope: the request before sending, the answer before reading. */
  security?: SoapClientSecurity;
  /** Checks of requests and answers against the schema (default `strict`). */
  validation?: ValidationPolicy;
  /** Receives contract problems under the `report` policy. */
  onValidationIssue?: (error: ValidationError) => void;
  /**
   * Turns a received fault into the error the operation rejects with (default: the
   * {@link SoapFaultError} itself), e.g. a service's typed fault contract read from its `detail`.
   */
  faultError?: (fault: SoapFaultError) => Error;
}

/** Per-call settings that override the client's for one call. */
export interface SoapCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * A configured client of one SOAP service: pass it to the generated operation functions.
 *
 * `TService` names the service the client was made for: a generated factory returns
 * `SoapClient<"DssNotification">` (exported as `DssNotificationClient`), and the operations of
 * another service refuse it at compile time. The plain `SoapClient` accepts every client.
 */
export interface SoapClient<TService extends string = string> {
  readonly service: SoapServiceDescriptor;
  readonly options: Readonly<SoapClientOptions>;
  /** Type-level only: the service the client was made for; never present at run time. */
  readonly [apiBrand]?: TService;
}

/**
 * A client of `service`, which checks requests and answers with the validators its elements
 * carry, compiled when the code was generated (no schema is compiled at run time). Generated
 * factories name the service in `TService`; it is never inferred from where the client is passed.
 * @throws {ConfigurationError} for a `url` that is not an absolute http(s) URL, and when an element
 *   names a `schema` without its compiled `validate`.
 */
export function createSoapClient<TService extends string = string>(
  service: SoapServiceDescriptor,
  options: SoapClientOptions = {},
): SoapClient<NoInfer<TService>> {
  requireCompiledValidators(service);
  if (options.url !== undefined) {
    const problem = httpUrlProblem("url", options.url);
    if (problem) throw new ConfigurationError("url", problem);
  }
  return {
    service,
    // The XML limits are merged and checked once, not at every call.
    options: options.xmlLimits
      ? { ...options, xmlLimits: xmlLimits(options.xmlLimits) }
      : { ...options },
  };
}

/**
 * Sends one envelope and returns the parsed answer; faults become {@link SoapFaultError}, and so
 * does an answer that is too large, over the XML limits or not an envelope (`faultCode`
 * `InvalidResponse`, with the {@link XmlError} as `cause` when the XML was refused).
 */
export async function sendSoap(
  init: SoapReadLimits & {
    url: string;
    version: SoapVersion;
    action: string;
    operationId: string;
    body: string;
    headers?: readonly string[];
    httpHeaders?: Record<string, string>;
    fetch?: typeof globalThis.fetch;
    timeoutMs?: number;
    signal?: AbortSignal;
    // Message security: see SoapClientSecurity.
    security?: { hook: SoapClientSecurity; context: SoapClientSecurityContext };
  },
): Promise<{ status: number; envelope: SoapEnvelope; headers: Headers }> {
  const doFetch = init.fetch ?? globalThis.fetch;
  const timeoutMs = init.timeoutMs ?? 30_000;
  if (init.signal?.aborted) throw new AbortError(init.operationId, init.signal.reason);
  const httpHeaders: Record<string, string> = {
    ...init.httpHeaders,
    "content-type": soapContentType(init.version, init.action),
  };
  if (init.version === "1.1") httpHeaders.soapaction = `"${init.action}"`;
  const maxBytes = init.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let body = buildEnvelope(init.version, init.body, init.headers);
  // The message security may fail (e.g. no token could be obtained): before any timer is armed.
  if (init.security) body = await init.security.hook.protect(body, init.security.context);
  if (init.signal?.aborted) throw new AbortError(init.operationId, init.signal.reason);
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : undefined;
  const onAbort = () => controller.abort();
  init.signal?.addEventListener("abort", onAbort, { once: true });
  let res: Response;
  let text: string | undefined;
  try {
    res = await doFetch(init.url, {
      method: "POST",
      headers: httpHeaders,
      body,
      signal: controller.signal,
    });
    text = await readBody(res, maxBytes);
  } catch (e) {
    if (timedOut) throw new TimeoutError(init.operationId, timeoutMs);
    if (init.signal?.aborted) throw new AbortError(init.operationId, init.signal.reason);
    throw new TransportError(init.operationId, e, { method: "POST", url: init.url });
  } finally {
    clearTimeout(timer);
    init.signal?.removeEventListener("abort", onAbort);
  }
  if (text === undefined) {
    throw new SoapFaultError({
      operationId: init.operationId,
      status: res.status,
      faultCode: "InvalidResponse",
      reason: `the answer (HTTP ${res.status}) is larger than ${maxBytes} bytes (maxResponseBytes)`,
    });
  }
  const open = init.security?.hook.open;
  if (open) {
    try {
      init.security!.context.status = res.status;
      text = await open.call(init.security!.hook, text, init.security!.context);
    } catch (e) {
      // A fault the service sent unprotected is still reported as that fault.
      if (res.status < 300) throw e;
    }
  }
  let envelope: SoapEnvelope;
  try {
    envelope = parseEnvelope(text, init.version, init.xmlLimits);
  } catch (e) {
    const cause = e instanceof SoapFault && e.cause instanceof XmlError ? e.cause : undefined;
    throw new SoapFaultError({
      operationId: init.operationId,
      status: res.status,
      faultCode: "InvalidResponse",
      reason: `the answer (HTTP ${res.status}) is not a SOAP ${init.version} envelope: ${e instanceof Error ? e.message : String(e)}`,
      ...(cause ? { cause } : {}),
    });
  }
  const fault = readFault(envelope);
  if (fault)
    throw new SoapFaultError({ operationId: init.operationId, status: res.status, ...fault });
  if (res.status >= 300) {
    throw new SoapFaultError({
      operationId: init.operationId,
      status: res.status,
      faultCode: "InvalidResponse",
      reason: `HTTP ${res.status} without a fault`,
    });
  }
  return { status: res.status, envelope, headers: res.headers };
}

/** Performs one generated operation: checks and encodes the input, sends it, decodes the answer. */
export async function callSoapOperation<TOutput>(
  client: SoapClient,
  operation: string,
  input: unknown,
  options: SoapCallOptions = {},
): Promise<TOutput> {
  const { service } = client;
  const op = service.operations[operation];
  if (!op) throw new Error(`unknown operation ${operation}`);
  const policy = client.options.validation ?? "strict";
  const check = (direction: "request" | "response", el: XmlElementDescriptor, value: unknown) => {
    if (policy === "off") return;
    const issues = elementIssues(el, value);
    if (issues.length === 0) return;
    const error = new ValidationError({ operationId: op.name, direction, issues });
    if (policy === "strict") throw error;
    client.options.onValidationIssue?.(error);
  };
  check("request", op.input, input);
  const url = client.options.url ?? service.address;
  if (!url) throw new Error(`${op.name}: no service URL`);
  const extra = (await client.options.soapHeaders?.()) ?? [];
  // WS-Addressing 1.0 headers go first, as WCF writes them; WS-Security follows.
  const addressing = service.addressing
    ? addressingRequestHeaders({ action: addressingAction(op), to: url })
    : undefined;
  const action = addressing ? addressingAction(op) : op.action;
  const answer = await sendSoap({
    url,
    version: service.version,
    action,
    operationId: op.name,
    body: toXml(service.types, op.input, input),
    headers: addressing ? [...addressing.headers, ...extra] : extra,
    ...(client.options.headers ? { httpHeaders: client.options.headers } : {}),
    ...(client.options.fetch ? { fetch: client.options.fetch } : {}),
    ...((options.timeoutMs ?? client.options.timeoutMs) !== undefined
      ? { timeoutMs: (options.timeoutMs ?? client.options.timeoutMs)! }
      : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(client.options.maxResponseBytes !== undefined
      ? { maxResponseBytes: client.options.maxResponseBytes }
      : {}),
    ...(client.options.xmlLimits ? { xmlLimits: client.options.xmlLimits } : {}),
    ...(client.options.security
      ? {
          security: {
            hook: client.options.security,
            context: { operation: op.name, action, url },
          },
        }
      : {}),
  }).catch((e: unknown) => {
    const map = client.options.faultError;
    throw e instanceof SoapFaultError && map ? map(e) : e;
  });
  if (addressing && op.output) {
    // An answer that names another request, or another action, is not this call's answer.
    const wsa = readAddressingHeaders(answer.envelope.headers);
    const problem =
      wsa.relatesTo !== undefined && wsa.relatesTo !== addressing.messageId
        ? `wsa:RelatesTo ${JSON.stringify(wsa.relatesTo.slice(0, 100))} does not name the request`
        : wsa.action !== undefined && wsa.action !== replyAction(op)
          ? `wsa:Action ${JSON.stringify(wsa.action.slice(0, 200))} is not the operation's output action`
          : undefined;
    if (problem) {
      throw new SoapFaultError({
        operationId: op.name,
        status: answer.status,
        faultCode: "InvalidResponse",
        reason: `the answer's ${problem}`,
      });
    }
  }
  if (!op.output) return undefined as TOutput;
  let value: unknown;
  try {
    value = decodeRoot(service.types, op.output, answer.envelope.body);
  } catch (e) {
    if (e instanceof XmlError)
      throw new ValidationError({ operationId: op.name, direction: "response", issues: e.issues });
    throw e;
  }
  check("response", op.output, value);
  return value as TOutput;
}

/**
 * Reads an answer's body as UTF-8 text, or `undefined` when it is larger than `max` bytes: then
 * the rest is not read (the body is cancelled as soon as the limit is passed).
 */
async function readBody(res: Response, max: number): Promise<string | undefined> {
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
