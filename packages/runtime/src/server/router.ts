import type { IncomingMessage, ServerResponse } from "node:http";
import { checkSchema } from "../compiled.js";
import type { ValidationIssue } from "../errors.js";
import { isFormMediaType } from "../media-type.js";
import { coerceScalar, type OperationDescriptor, propertyKinds } from "../operation.js";
import { validatorFor } from "../validation.js";
import type { SchemaBundle, ValidationPolicy } from "../validation-types.js";
import { routerFrom } from "./router-from.js";
import { isPromise } from "./thenable.js";
import { utf8 } from "./utf8.js";

// The adapter every router is served through, exported here with the router as before.
export { routerFrom } from "./router-from.js";

/** An HTTP request in the shape the router works on; header names are lower case. */
export interface RawRequest {
  method: string;
  /** Path and query, as on the request line. */
  url: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array;
  /** The peer's IP address, when the transport knows it. */
  remoteAddress?: string;
  /** `https` when the request came over TLS, `http` otherwise, when the transport knows it. */
  scheme?: "http" | "https";
  /**
   * The certificate (DER) the client presented over TLS, when the server asked for one (see
   * `listen`'s `tls.requestCert`); not checked against any CA unless the server refuses
   * unauthorised peers.
   */
  clientCertificate?: Uint8Array;
}

/** An encoded answer: status, headers and body bytes. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What a handler receives: parameters converted to their types and checked against the contract. */
export interface HandlerContext {
  operationId: string;
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  request: RawRequest;
}

/** The parameters and body of a handler call made without the router (see {@link handlerContext}). */
export interface HandlerContextParts {
  path?: object;
  query?: object;
  headers?: object;
  body?: unknown;
}

/**
 * The context for calling a handler directly rather than through the router, e.g. when an
 * emulator serves one interface through the handlers of another: `operationId`, the raw
 * `request` the handler may look its caller up by, the given `parts`, and empty parameters and no
 * body where none are given. Nothing is checked against the contract: the caller gives the
 * parameters already converted to their types. `C` is the handler's own context type (e.g.
 * `Parameters<Handlers["getUser"]>[0]`).
 */
export function handlerContext<C extends HandlerContext = HandlerContext>(
  operationId: string,
  request: RawRequest,
  parts: HandlerContextParts = {},
): C {
  return {
    operationId,
    path: {},
    query: {},
    headers: {},
    body: undefined,
    request,
    ...parts,
  } as C;
}

/** Extra response headers a handler sets. */
export type ReplyHeaders = Record<string, string>;

/**
 * The statuses a handler may answer with for an operation's `default` response: the client and
 * server errors, for APIs that document one error body without listing the codes.
 */
export type ErrorStatus =
  | 400
  | 401
  | 402
  | 403
  | 404
  | 405
  | 406
  | 408
  | 409
  | 410
  | 411
  | 412
  | 413
  | 415
  | 422
  | 423
  | 428
  | 429
  | 500
  | 501
  | 502
  | 503
  | 504;

/**
 * The reason phrases of the 4xx and 5xx statuses, as `node:http`'s `STATUS_CODES` names them
 * (the IANA registry): a table of its own, so that the modules importing the router (the SOAP
 * entry, which the clients import too) load no Node module in a browser.
 */
const STATUS_TEXT: Record<number, string | undefined> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Payload Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a Teapot",
  421: "Misdirected Request",
  422: "Unprocessable Entity",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates",
  507: "Insufficient Storage",
  508: "Loop Detected",
  509: "Bandwidth Limit Exceeded",
  510: "Not Extended",
  511: "Network Authentication Required",
};

/** What a handler answers: a status of the operation, a body to encode as JSON, extra headers. */
export interface HandlerReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A handler of any operation; generated code gives each handler its exact context and reply types. */
// biome-ignore lint/suspicious/noExplicitAny: generated code narrows every handler's context and reply.
export type AnyHandler = (ctx: any) => HandlerReply | Promise<HandlerReply>;

/** Thrown by a handler to answer with an error in the API's own format. */
export class HttpError extends Error {
  readonly status: number;
  readonly exception: string;
  constructor(status: number, message: string, exception?: string) {
    super(message);
    this.status = status;
    this.exception = exception ?? `HTTP${status}`;
  }
}

/** An error about to be answered; `formatError` turns it into the API's error body. */
export interface ErrorInfo {
  status: number;
  /** The standard reason phrase of `status`. */
  text: string;
  message: string;
  exception: string;
  operationId?: string;
  issues?: readonly ValidationIssue[];
}

/** Settings of a router: the API's error format, credential check and contract checks. */
export interface RouterOptions {
  /** Builds the API's own error body (e.g. `{Code, Text, Message, Exception}`). */
  formatError(info: ErrorInfo): unknown;
  /**
   * Checks credentials before anything else is looked at; returns an error to answer with, or
   * undefined to go on. `op` is the operation the method and path point at, when there is one.
   */
  authorize?(
    request: RawRequest,
    op: OperationDescriptor | undefined,
  ): Omit<ErrorInfo, "text"> | undefined;
  /**
   * Sees every answer, errors included, after it is encoded (e.g. to sign it); the body is the one
   * sent, so empty for HEAD.
   */
  onResponse?(
    response: RawResponse,
    request: RawRequest,
    op: OperationDescriptor | undefined,
  ): void;
  /** Check of handlers' answers against the contract (default `off`; mocks use `strict`). */
  responseValidation?: ValidationPolicy;
  /** Receives the contract problems found in a handler's answer (under `report` and `strict`). */
  onValidationIssue?(operationId: string, issues: readonly ValidationIssue[]): void;
  /** Largest accepted request body (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
}

/** Serves one API's operations from their descriptors and handlers. */
export interface Router {
  /** Answers one request; never throws. */
  handle(request: RawRequest): Promise<RawResponse>;
  /** The same router as a fetch-style handler. */
  fetch(request: Request): Promise<Response>;
  /** The same router as a `node:http` request listener. */
  listener(req: IncomingMessage, res: ServerResponse): void;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  ops: OperationDescriptor[];
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function compileRoutes(ops: readonly OperationDescriptor[]): Route[] {
  const byKey = new Map<string, Route>();
  for (const op of ops) {
    const key = `${op.method} ${op.path}`;
    let route = byKey.get(key);
    if (!route) {
      const names: string[] = [];
      const source = op.path
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const m = /^\{([^}]+)\}$/.exec(part);
          if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
          names.push(m[1]!);
          return "([^/]+)";
        })
        .join("");
      route = { method: op.method, pattern: new RegExp(`^${source}/?$`), names, ops: [] };
      byKey.set(key, route);
    }
    route.ops.push(op);
  }
  // Literal paths win over templated ones (`/api/licences/update` before `/api/licences/{KeyNo}`).
  return [...byKey.values()].sort((a, b) => a.names.length - b.names.length);
}

/**
 * Builds a router that checks requests against the descriptors and dispatches to the handlers.
 * HEAD on a path with a GET operation (and none for HEAD) is answered as that GET; every answer to
 * HEAD, errors included, has an empty body.
 */
export function createRouter(
  ops: readonly OperationDescriptor[],
  handlers: object,
  bundle: SchemaBundle,
  options: RouterOptions,
): Router {
  const routes = compileRoutes(ops);
  // Literal paths are looked up directly; only the rest need their patterns tried.
  const literal = new Map<string, Route[]>();
  for (const route of routes) {
    if (route.names.length > 0) continue;
    const path = route.ops[0]!.path;
    literal.set(path, [...(literal.get(path) ?? []), route]);
  }
  const templated = routes.filter((r) => r.names.length > 0);

  /** The routes whose path matches, most specific (fewest parameters) only. */
  function matchRoutes(pathname: string | undefined): { route: Route; m: RegExpExecArray }[] {
    if (pathname === undefined) return [];
    const exact = literal.get(pathname) ?? literal.get(pathname.replace(/\/$/, ""));
    if (exact) return exact.map((route) => ({ route, m: route.pattern.exec(pathname)! }));
    let fewest = Number.POSITIVE_INFINITY;
    let found: { route: Route; m: RegExpExecArray }[] = [];
    for (const route of templated) {
      if (route.names.length > fewest) break;
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      if (route.names.length < fewest) {
        fewest = route.names.length;
        found = [];
      }
      found.push({ route, m });
    }
    return found;
  }
  const validator = validatorFor(bundle);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;

  function error(info: Omit<ErrorInfo, "text">): RawResponse {
    const full: ErrorInfo = { ...info, text: STATUS_TEXT[info.status] ?? "Error" };
    let body: unknown;
    try {
      body = options.formatError(full);
    } catch {
      body = { message: full.message };
    }
    return {
      status: info.status,
      headers: { "content-type": "application/json;charset=utf-8" },
      body: utf8(JSON.stringify(body)),
    };
  }

  /**
   * The answer to a request, with the operation it reached. Synchronous as long as the handler
   * is: a promise only when the handler returns one, so a plain answer costs no extra turns of
   * the event loop.
   */
  function dispatch(request: RawRequest): Dispatched | Promise<Dispatched> {
    const q = request.url.indexOf("?");
    const pathname = safeDecodePath(q < 0 ? request.url : request.url.slice(0, q));
    const search = new URLSearchParams(q < 0 ? "" : request.url.slice(q + 1));
    // The routes whose path matches; the most specific ones (fewest parameters) win, so
    // `/things/update` never falls through to `/things/{id}` whatever the method.
    const candidates = matchRoutes(pathname);
    // HEAD without an operation of its own is answered as GET (RFC 9110 §9.3.2) without the body.
    const hit =
      candidates.find((x) => x.route.method === request.method) ??
      (request.method === "HEAD" ? candidates.find((x) => x.route.method === "GET") : undefined);
    // Credentials come first: a caller without them learns nothing but the refusal.
    const target = hit?.route.ops[0];
    const denied = options.authorize?.(request, target);
    if (denied) {
      return { response: error(target ? { ...denied, operationId: target.operationId } : denied) };
    }
    if (request.body.byteLength > maxBody) {
      return {
        response: error({
          status: 413,
          message: `The request body exceeds ${maxBody} bytes.`,
          exception: "EHTTPPayloadTooLarge",
        }),
      };
    }
    if (!hit) {
      if (candidates.length > 0) {
        const allow = [...new Set(candidates.map((x) => x.route.method))].sort().join(", ");
        const response = error({
          status: 405,
          message: `Method ${request.method} is not allowed on "${pathname}".`,
          exception: "EHTTPMethodNotAllowed",
        });
        response.headers.allow = allow;
        return { response };
      }
      return {
        response: error({
          status: 404,
          message: `The requested URL "${pathname ?? request.url}" was not found.`,
          exception: "EHTTPNotFound",
        }),
      };
    }
    const { route, m } = hit;
    const pathValues: Record<string, string> = {};
    route.names.forEach((n, i) => {
      pathValues[n] = m[i + 1]!;
    });
    const parsed = parseJsonBody(request);
    if (parsed === PARSE_FAILED) {
      // One operation on the route: its own error format applies (`operationId`); several
      // variants share a route, and which one was meant cannot be told from a broken body.
      const only = route.ops.length === 1 ? route.ops[0] : undefined;
      return {
        response: error({
          status: 400,
          message: "The request body is not valid JSON.",
          exception: "EJSONException",
          ...(only ? { operationId: only.operationId } : {}),
        }),
        ...(only ? { op: only } : {}),
      };
    }
    const op = pickVariant(route.ops, search, parsed);
    if (!op) {
      const names = route.ops.flatMap((o) => o.discriminator ?? []).join(", ");
      return {
        response: error({
          status: 400,
          message: `The request names none of the parameters this command takes (${names}).`,
          exception: "EHTTPBadRequest",
        }),
      };
    }
    const response = run(op, request, pathValues, search, parsed);
    return isPromise(response)
      ? Promise.resolve(response).then((r) => ({ response: r, op }))
      : { response, op };
  }

  function run(
    op: OperationDescriptor,
    request: RawRequest,
    pathValues: Record<string, string>,
    search: URLSearchParams,
    body: unknown,
  ): RawResponse | Promise<RawResponse> {
    const issues: ValidationIssue[] = [];
    const ctx: HandlerContext = {
      operationId: op.operationId,
      path: {},
      query: {},
      headers: {},
      body,
      request,
    };
    for (const p of op.params) {
      const text =
        p.in === "path"
          ? pathValues[p.name]
          : p.in === "query"
            ? (search.get(p.name) ?? undefined)
            : request.headers[p.name.toLowerCase()];
      if (text === undefined) {
        if (p.required) issues.push({ path: `/${p.in}/${p.name}`, message: "is required" });
        continue;
      }
      const value = coerceScalar(p.in === "path" ? safeDecode(text) : text, p.kind);
      if (p.schema || p.validate) {
        for (const i of checkSchema(p, value, validator))
          issues.push({ path: `/${p.in}/${p.name}${i.path}`, message: i.message });
      }
      ctx[p.in === "path" ? "path" : p.in === "query" ? "query" : "headers"][p.name] = value;
    }
    const bodySpec = op.requestBody ?? op.toleratedBody;
    if (body && typeof body === "object" && isFormMediaType(request.headers["content-type"])) {
      // Form fields arrive as text: convert them to the kinds the schema declares.
      const kinds = propertyKinds(bodySpec?.schema, bundle.$defs);
      const fields = body as Record<string, unknown>;
      for (const [name, value] of Object.entries(fields)) {
        const kind = kinds[name];
        if (kind && kind !== "string" && typeof value === "string")
          fields[name] = coerceScalar(value, kind);
      }
    }
    if (body !== undefined && (bodySpec?.schema || bodySpec?.validate)) {
      for (const i of checkSchema(bodySpec, body, validator))
        issues.push({ path: `/body${i.path}`, message: i.message });
    } else if (body === undefined && op.requestBody?.required) {
      issues.push({ path: "/body", message: "is required" });
    }
    if (issues.length > 0) {
      const detail = issues
        .slice(0, 5)
        .map((i) => `${i.path} ${i.message}`)
        .join("; ");
      return error({
        status: 400,
        message: `Invalid request: ${detail}`,
        exception: "EHTTPBadRequest",
        operationId: op.operationId,
        issues,
      });
    }
    const handler = (handlers as Record<string, AnyHandler | undefined>)[op.operationId];
    if (!handler) {
      return error({
        status: 501,
        message: `${op.operationId} is not implemented by this server.`,
        exception: "EHTTPNotImplemented",
        operationId: op.operationId,
      });
    }
    const failed = (e: unknown): RawResponse =>
      e instanceof HttpError
        ? error({
            status: e.status,
            message: e.message,
            exception: e.exception,
            operationId: op.operationId,
          })
        : error({
            status: 500,
            message: `${op.operationId} failed inside the server.`,
            exception: "EInternalError",
            operationId: op.operationId,
          });
    let reply: HandlerReply | PromiseLike<HandlerReply>;
    try {
      reply = handler(ctx);
    } catch (e) {
      return failed(e);
    }
    return isPromise(reply)
      ? Promise.resolve(reply).then((r) => encodeReply(op, r), failed)
      : encodeReply(op, reply);
  }

  /** A handler's answer checked (under `responseValidation`) and encoded. */
  function encodeReply(op: OperationDescriptor, reply: HandlerReply): RawResponse {
    const spec = op.responses[String(reply.status)] ?? op.responses.default;
    const policy = options.responseValidation ?? "off";
    if (policy !== "off") {
      const problems: ValidationIssue[] = [];
      if (!spec) problems.push({ path: "", message: `status ${reply.status} is not declared` });
      else problems.push(...checkSchema(spec, reply.body, validator));
      if (problems.length > 0) {
        options.onValidationIssue?.(op.operationId, problems);
        if (policy === "strict") {
          const detail = problems
            .slice(0, 5)
            .map((i) => `${i.path} ${i.message}`)
            .join("; ");
          return error({
            status: 500,
            message: `The server's answer breaks the contract: ${detail}`,
            exception: "EContractViolation",
            operationId: op.operationId,
          });
        }
      }
    }
    const headers: Record<string, string> = { ...reply.headers };
    let bytes: Uint8Array = new Uint8Array(0);
    if (reply.body !== undefined) {
      headers["content-type"] ??= "application/json;charset=utf-8";
      bytes = utf8(
        typeof reply.body === "string" && !headers["content-type"].includes("json")
          ? reply.body
          : JSON.stringify(reply.body),
      );
    }
    return { status: reply.status, headers, body: bytes };
  }

  const broken = (): Dispatched => ({
    response: error({
      status: 500,
      message: "The server failed to answer.",
      exception: "EInternalError",
    }),
  });

  function handle(request: RawRequest): Promise<RawResponse> {
    let result: Dispatched | Promise<Dispatched>;
    try {
      result = dispatch(request);
    } catch {
      result = broken();
    }
    return isPromise(result)
      ? Promise.resolve(result).then(
          (r) => complete(request, r),
          () => complete(request, broken()),
        )
      : Promise.resolve(complete(request, result));
  }

  /** The answer as sent: no body for HEAD, and seen by the `onResponse` hook. */
  function complete(request: RawRequest, result: Dispatched): RawResponse {
    // A HEAD answer carries no body: hooks (a signer) see the empty body that is actually sent.
    const head = request.method === "HEAD";
    if (head) result.response.body = new Uint8Array(0);
    try {
      options.onResponse?.(result.response, request, result.op);
    } catch {
      // A failing hook (e.g. a signer without its key) must not take the server down.
      const failed = error({
        status: 500,
        message: "The server failed to finish its answer.",
        exception: "EInternalError",
      });
      if (head) failed.body = new Uint8Array(0);
      return failed;
    }
    return result.response;
  }

  return routerFrom(handle, maxBody);
}

const PARSE_FAILED = Symbol("parse failed");

/** An answer and the operation the request reached, when it reached one. */
interface Dispatched {
  response: RawResponse;
  op?: OperationDescriptor;
}

/** The request body as JSON, or as an object of fields when it is form-encoded. */
function parseJsonBody(request: RawRequest): unknown {
  if (request.body.byteLength === 0) return undefined;
  try {
    const text = decoder.decode(request.body);
    if (text.trim() === "") return undefined;
    if (isFormMediaType(request.headers["content-type"])) {
      const fields: Record<string, string | string[]> = {};
      for (const [name, value] of new URLSearchParams(text)) {
        const seen = fields[name];
        fields[name] =
          seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
      }
      return fields;
    }
    return JSON.parse(text);
  } catch {
    return PARSE_FAILED;
  }
}

function pickVariant(
  ops: OperationDescriptor[],
  search: URLSearchParams,
  body: unknown,
): OperationDescriptor | undefined {
  if (ops.length === 1) return ops[0];
  const bodyKeys = body && typeof body === "object" ? Object.keys(body) : [];
  return ops.find((op) =>
    (op.discriminator ?? []).some((name) => search.has(name) || bodyKeys.includes(name)),
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function safeDecodePath(path: string): string | undefined {
  return path.length > 0 ? path : undefined;
}
