import type { Element } from "@xmldom/xmldom";
import {
  AbortError,
  TimeoutError,
  TransportError,
  TrustspecError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
import { type RawRequest, type RawResponse, type Router, routerFrom } from "./server.js";
import { type SchemaBundle, SchemaValidator, type ValidationPolicy } from "./validation.js";
import {
  childElements,
  decodeRoot,
  formatName,
  isElement,
  parseXml,
  toXml,
  type XmlElementDescriptor,
  XmlError,
  type XmlName,
  type XmlTypes,
  XmlWriter,
} from "./xml.js";

export * from "./xml.js";

/**
 * The SOAP runtime every generated SOAP client, server stub and mock shares, and the hand-written
 * WS-Trust code builds on: envelopes (SOAP 1.1 and 1.2), faults, SOAPAction routing, `?wsdl`,
 * body size limits, and safe XML parsing (no DTD, no entities).
 */

export type SoapVersion = "1.1" | "1.2";

export const SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/";
export const SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope";

export function envelopeNamespace(version: SoapVersion): string {
  return version === "1.1" ? SOAP11_NS : SOAP12_NS;
}

/** One operation of a SOAP service as the generated descriptors describe it. */
export interface SoapOperationDescriptor {
  name: string;
  /** The SOAPAction (SOAP 1.1) or `action` (SOAP 1.2) of the request. */
  action: string;
  /** The action of the answer (WS-Addressing), when the WSDL names one. */
  outputAction?: string;
  input: XmlElementDescriptor;
  output?: XmlElementDescriptor;
}

/** A SOAP service: its binding, its XML types and its operations, generated from a WSDL. */
export interface SoapServiceDescriptor {
  name: string;
  version: SoapVersion;
  /** The address the WSDL's port names. */
  address?: string;
  targetNamespace: string;
  types: XmlTypes;
  operations: Readonly<Record<string, SoapOperationDescriptor>>;
}

/** The fault codes of SOAP 1.1; SOAP 1.2 names `Client` `Sender` and `Server` `Receiver`. */
export type SoapFaultCode = "Client" | "Server" | "VersionMismatch" | "MustUnderstand";

/**
 * Thrown by a SOAP handler to answer with a fault, and the fault an endpoint answers for bad
 * input. `subcode` refines the code (e.g. `wst:FailedAuthentication`, or `ActionNotSupported`).
 */
export class SoapFault extends Error {
  readonly faultCode: SoapFaultCode;
  readonly subcode: XmlName | undefined;
  /** The HTTP status of the answer (default: 400 for `Client`, 500 otherwise). */
  readonly status: number | undefined;
  constructor(
    faultCode: SoapFaultCode,
    reason: string,
    options: { subcode?: XmlName; status?: number } = {},
  ) {
    super(reason);
    this.name = "SoapFault";
    this.faultCode = faultCode;
    this.subcode = options.subcode;
    this.status = options.status;
  }
}

/** A SOAP fault received by a client. The reason is the server's text; no request data is added. */
export class SoapFaultError extends TrustspecError {
  readonly operationId: string;
  readonly status: number;
  /** The fault code as received, e.g. `Client`, `Sender`, `Server.ActionNotSupported`. */
  readonly faultCode: string;
  /** The code's namespace-qualified form, when it had a prefix. */
  readonly faultCodeName: XmlName | undefined;
  /** The SOAP 1.2 subcode (or a namespace-qualified SOAP 1.1 code), e.g. `{ws-trust}FailedAuthentication`. */
  readonly subcode: XmlName | undefined;
  readonly reason: string;
  constructor(init: {
    operationId: string;
    status: number;
    faultCode: string;
    faultCodeName?: XmlName;
    subcode?: XmlName;
    reason: string;
  }) {
    super(
      "soap_fault",
      `${init.operationId}: SOAP fault ${init.faultCode}${init.subcode ? ` (${init.subcode.local})` : ""}: ${init.reason.slice(0, 300)}`,
    );
    this.operationId = init.operationId;
    this.status = init.status;
    this.faultCode = init.faultCode;
    this.faultCodeName = init.faultCodeName;
    this.subcode = init.subcode;
    this.reason = init.reason;
  }
}

/** Builds a SOAP envelope around header blocks and one body element (all XML text). */
export function buildEnvelope(
  version: SoapVersion,
  body: string,
  headers: readonly string[] = [],
  prefix = "s",
): string {
  const ns = envelopeNamespace(version);
  const head = headers.length ? `<${prefix}:Header>${headers.join("")}</${prefix}:Header>` : "";
  return `<${prefix}:Envelope xmlns:${prefix}="${ns}">${head}<${prefix}:Body>${body}</${prefix}:Body></${prefix}:Envelope>`;
}

/** A fault as the XML of a SOAP body. */
export function faultXml(version: SoapVersion, fault: SoapFault): string {
  const w = new XmlWriter();
  const ns = envelopeNamespace(version);
  const reason = fault.message;
  if (version === "1.1") {
    let code = `s:${fault.faultCode}`;
    let declare: Record<string, string> = {};
    if (fault.subcode?.ns) {
      code = `q:${fault.subcode.local}`;
      declare = { q: fault.subcode.ns };
    } else if (fault.subcode) code += `.${fault.subcode.local}`;
    w.open({ ns, local: "Fault" }, [], { prefix: "s", declare });
    w.leaf({ ns: null, local: "faultcode" }, code);
    w.open({ ns: null, local: "faultstring" }, [
      { name: { ns: null, local: "xml:lang" }, value: "en" },
    ]);
    w.text(reason);
    w.close();
    w.close();
    return w.toString();
  }
  const value =
    fault.faultCode === "Client"
      ? "Sender"
      : fault.faultCode === "Server"
        ? "Receiver"
        : fault.faultCode;
  w.open({ ns, local: "Fault" }, [], { prefix: "s" });
  w.open({ ns, local: "Code" }, [], { prefix: "s" });
  w.open({ ns, local: "Value" }, [], { prefix: "s" });
  w.text(`s:${value}`);
  w.close();
  if (fault.subcode) {
    w.open({ ns, local: "Subcode" }, [], { prefix: "s" });
    w.open({ ns, local: "Value" }, [], {
      prefix: "s",
      ...(fault.subcode.ns ? { declare: { q: fault.subcode.ns } } : {}),
    });
    w.text(fault.subcode.ns ? `q:${fault.subcode.local}` : fault.subcode.local);
    w.close();
    w.close();
  }
  w.close();
  w.open({ ns, local: "Reason" }, [], { prefix: "s" });
  w.open({ ns, local: "Text" }, [{ name: { ns: null, local: "xml:lang" }, value: "en" }], {
    prefix: "s",
  });
  w.text(reason);
  w.close();
  w.close();
  w.close();
  return w.toString();
}

/** A parsed SOAP envelope. */
export interface SoapEnvelope {
  version: SoapVersion;
  envelope: Element;
  /** The header blocks, in order. */
  headers: Element[];
  /** The one element of the body. */
  body: Element;
}

/**
 * Parses a SOAP envelope safely (no DTD, no entities) and checks its shape: an Envelope of the
 * expected version with an optional Header and a Body holding exactly one element.
 * @throws SoapFault (`VersionMismatch` or `Client`) describing what is wrong.
 */
export function parseEnvelope(text: string, version: SoapVersion): SoapEnvelope {
  let root: Element;
  try {
    root = parseXml(text);
  } catch (e) {
    if (e instanceof XmlError) throw new SoapFault("Client", e.message);
    throw e;
  }
  const ns = envelopeNamespace(version);
  if (
    root.localName === "Envelope" &&
    (root.namespaceURI === SOAP11_NS || root.namespaceURI === SOAP12_NS) &&
    root.namespaceURI !== ns
  ) {
    throw new SoapFault("VersionMismatch", `This service speaks SOAP ${version}.`);
  }
  if (!isElement(root, { ns, local: "Envelope" })) {
    throw new SoapFault("Client", `The message is not a SOAP ${version} envelope.`);
  }
  const parts = childElements(root);
  let i = 0;
  let headers: Element[] = [];
  if (isElement(parts[i], { ns, local: "Header" })) headers = childElements(parts[i++]!);
  const bodyEl = parts[i];
  if (!isElement(bodyEl, { ns, local: "Body" }) || parts.length > i + 1) {
    throw new SoapFault("Client", "The envelope must hold an optional Header and then a Body.");
  }
  const content = childElements(bodyEl);
  if (content.length !== 1) {
    throw new SoapFault("Client", "The SOAP body must hold exactly one element.");
  }
  return { version, envelope: root, headers, body: content[0]! };
}

/** Reads a fault from a parsed body element, or undefined when it is none. */
export function readFault(
  env: SoapEnvelope,
): { faultCode: string; faultCodeName?: XmlName; subcode?: XmlName; reason: string } | undefined {
  const ns = envelopeNamespace(env.version);
  const fault = env.body;
  if (!isElement(fault, { ns, local: "Fault" })) return undefined;
  const kids = childElements(fault);
  const text = (el: Element | undefined) => (el?.textContent ?? "").trim();
  const qname = (el: Element | undefined): { text: string; name?: XmlName } => {
    const t = text(el);
    const colon = t.indexOf(":");
    if (!el || colon < 0) return { text: t };
    const uri = el.lookupNamespaceURI(t.slice(0, colon));
    return {
      text: t.slice(colon + 1),
      ...(uri ? { name: { ns: uri, local: t.slice(colon + 1) } } : {}),
    };
  };
  if (env.version === "1.1") {
    const code = qname(kids.find((k) => k.localName === "faultcode"));
    const reason = text(kids.find((k) => k.localName === "faultstring"));
    const foreign = code.name && code.name.ns !== SOAP11_NS ? code.name : undefined;
    return {
      faultCode: code.text,
      ...(code.name ? { faultCodeName: code.name } : {}),
      ...(foreign ? { subcode: foreign } : {}),
      reason,
    };
  }
  const codeEl = kids.find((k) => isElement(k, { ns, local: "Code" }));
  const codeKids = codeEl ? childElements(codeEl) : [];
  const code = qname(codeKids.find((k) => isElement(k, { ns, local: "Value" })));
  const subEl = codeKids.find((k) => isElement(k, { ns, local: "Subcode" }));
  const sub = subEl ? qname(childElements(subEl).find((k) => k.localName === "Value")) : undefined;
  const reasonEl = kids.find((k) => isElement(k, { ns, local: "Reason" }));
  const reason = reasonEl ? text(childElements(reasonEl)[0]) : "";
  return {
    faultCode: code.text,
    ...(code.name ? { faultCodeName: code.name } : {}),
    ...(sub ? { subcode: sub.name ?? { ns: null, local: sub.text } } : {}),
    reason,
  };
}

/** What an endpoint operation receives. */
export interface SoapRequest {
  envelope: SoapEnvelope;
  /** The action the request named (SOAPAction, `action` parameter or `wsa:Action`). */
  action: string | undefined;
  raw: RawRequest;
}

/** What an endpoint operation answers: the body element's XML, header blocks, an HTTP status. */
export interface SoapReply {
  body: string;
  headers?: string[];
  status?: number;
}

export interface SoapEndpointOperation {
  name: string;
  /** The action that selects the operation; without one, the body element does. */
  action?: string;
  /** The element the body must hold. */
  element: XmlName;
  handle(request: SoapRequest): SoapReply | Promise<SoapReply>;
}

export interface SoapEndpointOptions {
  version: SoapVersion;
  operations: readonly SoapEndpointOperation[];
  /** The WSDL served at `GET <path>?wsdl`. */
  wsdl?: string;
  /** Largest accepted request body (default 1 MiB); a larger one gets a fault and 413. */
  maxBodyBytes?: number;
  /** Header blocks the endpoint processes; any other with `mustUnderstand` gets a fault. */
  understoodHeaders?: readonly XmlName[];
  /**
   * The HTTP status of faults for the client's mistakes (default 400; 413 for a body too large,
   * 415 for a wrong content type, 405 for a method other than POST). Set 500 to answer every
   * fault with 500, as WS-I Basic Profile 1.1 (R1126) asks.
   */
  clientFaultStatus?: number;
  /** Sees every fault answered (for logs). Messages hold no payload values. */
  onFault?(fault: SoapFault, request: RawRequest): void;
}

const ADDRESSING = [
  "http://www.w3.org/2005/08/addressing",
  "http://schemas.xmlsoap.org/ws/2004/08/addressing",
];
const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** The media type a SOAP version travels with. */
export function soapContentType(version: SoapVersion, action?: string): string {
  return version === "1.1"
    ? "text/xml; charset=utf-8"
    : `application/soap+xml; charset=utf-8${action ? `; action="${action}"` : ""}`;
}

/**
 * A SOAP endpoint over HTTP: POST with an envelope to call an operation, `GET ?wsdl` for the
 * WSDL. Every failure is answered with a SOAP fault of the endpoint's version; it never throws.
 */
export function createSoapEndpoint(options: SoapEndpointOptions): Router {
  const { version } = options;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const clientStatus = options.clientFaultStatus;
  const understood = [
    ...(options.understoodHeaders ?? []),
    ...ADDRESSING.flatMap((ns) =>
      ["Action", "To", "MessageID", "ReplyTo", "RelatesTo"].map((local) => ({ ns, local })),
    ),
  ];
  const byAction = new Map<string, SoapEndpointOperation>();
  for (const op of options.operations) if (op.action) byAction.set(op.action, op);

  function faultResponse(fault: SoapFault, request: RawRequest, status?: number): RawResponse {
    try {
      options.onFault?.(fault, request);
    } catch {
      // A failing log hook does not change the answer.
    }
    const code =
      fault.status ?? (fault.faultCode === "Server" ? 500 : (clientStatus ?? status ?? 400));
    return {
      status: code,
      headers: { "content-type": soapContentType(version) },
      body: encoder.encode(buildEnvelope(version, faultXml(version, fault))),
    };
  }

  async function dispatch(request: RawRequest): Promise<RawResponse> {
    const q = request.url.indexOf("?");
    const query = q < 0 ? "" : request.url.slice(q + 1);
    if (request.method === "GET" && options.wsdl !== undefined && /^wsdl$/i.test(query)) {
      return {
        status: 200,
        headers: { "content-type": "text/xml; charset=utf-8" },
        body: encoder.encode(options.wsdl),
      };
    }
    if (request.method !== "POST") {
      const r = faultResponse(
        new SoapFault(
          "Client",
          `Method ${request.method} is not allowed; send a SOAP envelope with POST${options.wsdl ? " or GET ?wsdl" : ""}.`,
        ),
        request,
        405,
      );
      r.headers.allow = options.wsdl ? "GET, POST" : "POST";
      return r;
    }
    if (request.body.byteLength > maxBody) {
      return faultResponse(
        new SoapFault("Client", `The request body exceeds ${maxBody} bytes.`),
        request,
        413,
      );
    }
    const type = (request.headers["content-type"] ?? "").toLowerCase();
    const mediaType = type.split(";")[0]!.trim();
    const expected = version === "1.1" ? "text/xml" : "application/soap+xml";
    const charset = /;\s*charset="?([^";\s]+)"?/.exec(type)?.[1];
    if (mediaType !== expected || (charset && charset !== "utf-8")) {
      return faultResponse(
        new SoapFault("Client", `SOAP ${version} messages travel as ${expected}; charset=utf-8.`),
        request,
        415,
      );
    }
    let text: string;
    try {
      text = decoder.decode(request.body);
    } catch {
      return faultResponse(new SoapFault("Client", "The request body is not UTF-8."), request);
    }
    let env: SoapEnvelope;
    try {
      env = parseEnvelope(text, version);
    } catch (e) {
      if (e instanceof SoapFault) return faultResponse(e, request);
      throw e;
    }
    for (const h of env.headers) {
      const mu = h.getAttributeNS(envelopeNamespace(version), "mustUnderstand");
      if ((mu === "1" || mu === "true") && !understood.some((n) => isElement(h, n))) {
        return faultResponse(
          new SoapFault(
            "MustUnderstand",
            `The header ${formatName({ ns: h.namespaceURI ?? null, local: h.localName ?? "" })} is not understood.`,
          ),
          request,
        );
      }
    }
    const action = requestAction(request, env);
    let op: SoapEndpointOperation | undefined;
    if (version === "1.1" && action === undefined && byAction.size > 0) {
      return faultResponse(new SoapFault("Client", "The SOAPAction header is required."), request);
    }
    if (action) {
      op = byAction.get(action);
      if (!op) {
        return faultResponse(
          new SoapFault(
            "Client",
            `The action ${JSON.stringify(action.slice(0, 200))} is not supported by this service.`,
            {
              subcode: { ns: null, local: "ActionNotSupported" },
            },
          ),
          request,
        );
      }
    } else op = options.operations.find((o) => isElement(env.body, o.element));
    if (!op || !isElement(env.body, op.element)) {
      return faultResponse(
        new SoapFault(
          "Client",
          op
            ? `${op.name} expects the element ${formatName(op.element)} in the body.`
            : "The body element matches no operation of this service.",
        ),
        request,
      );
    }
    let reply: SoapReply;
    try {
      reply = await op.handle({ envelope: env, action, raw: request });
    } catch (e) {
      if (e instanceof SoapFault) return faultResponse(e, request);
      return faultResponse(
        new SoapFault("Server", `${op.name} failed inside the server.`),
        request,
      );
    }
    return {
      status: reply.status ?? 200,
      headers: { "content-type": soapContentType(version) },
      body: encoder.encode(buildEnvelope(version, reply.body, reply.headers)),
    };
  }

  async function handle(request: RawRequest): Promise<RawResponse> {
    try {
      return await dispatch(request);
    } catch {
      return faultResponse(new SoapFault("Server", "The server failed to answer."), request);
    }
  }

  return routerFrom(handle, maxBody);
}

function requestAction(request: RawRequest, env: SoapEnvelope): string | undefined {
  if (env.version === "1.1") {
    const raw = request.headers.soapaction;
    if (raw === undefined) {
      const wsa = env.headers.find(
        (h) => h.localName === "Action" && ADDRESSING.includes(h.namespaceURI ?? ""),
      );
      return wsa ? (wsa.textContent ?? "").trim() : undefined;
    }
    const v = raw.trim().replace(/^"(.*)"$/, "$1");
    return v === "" ? "" : v;
  }
  const param = /;\s*action="?([^";]+)"?/i.exec(request.headers["content-type"] ?? "")?.[1];
  if (param) return param;
  const wsa = env.headers.find(
    (h) => h.localName === "Action" && ADDRESSING.includes(h.namespaceURI ?? ""),
  );
  return wsa ? (wsa.textContent ?? "").trim() : undefined;
}

/** What a generated server stub's handler receives. */
export interface SoapHandlerContext<TMessage> {
  operation: string;
  /** The request element, decoded and checked against the schema. */
  message: TMessage;
  /** The envelope as parsed (headers included). */
  soap: SoapRequest;
}

// biome-ignore lint/suspicious/noExplicitAny: generated code narrows each handler's message and answer.
export type AnySoapHandler = (ctx: SoapHandlerContext<any>) => unknown;

export interface SoapServerOptions
  extends Omit<SoapEndpointOptions, "version" | "operations" | "wsdl"> {
  /** The WSDL served at `?wsdl` (default: the service's own). */
  wsdl?: string;
  /** Check of the handlers' answers against the schema (default `strict`). */
  responseValidation?: ValidationPolicy;
}

/**
 * The server stub of a generated SOAP service: each operation's request element is decoded,
 * checked against the XSD (structure while decoding, then facets against the JSON Schemas), and
 * handed to the handler; its answer is encoded as the output element.
 */
export function createSoapServer(
  service: SoapServiceDescriptor,
  schemas: SchemaBundle,
  handlers: object,
  options: SoapServerOptions & { defaultWsdl?: string } = {},
): Router {
  const validator = new SchemaValidator(schemas);
  const { defaultWsdl, responseValidation, wsdl, ...rest } = options;
  const operations: SoapEndpointOperation[] = Object.values(service.operations).map((op) => ({
    name: op.name,
    action: op.action,
    element: op.input.name,
    async handle(request) {
      let message: unknown;
      try {
        message = decodeRoot(service.types, op.input, request.envelope.body);
      } catch (e) {
        if (e instanceof XmlError) throw new SoapFault("Client", e.message);
        throw e;
      }
      if (op.input.schema) {
        const issues = validator.validate(op.input.schema, message);
        if (issues.length) throw new SoapFault("Client", describe("The request", issues));
      }
      const handler = (handlers as Record<string, AnySoapHandler | undefined>)[op.name];
      if (!handler) {
        throw new SoapFault("Server", `${op.name} is not implemented by this server.`, {
          status: 501,
        });
      }
      const answer = (await handler({ operation: op.name, message, soap: request })) ?? {};
      if (!op.output) return { body: "", status: 202 };
      if (op.output.schema && (responseValidation ?? "strict") !== "off") {
        const issues = validator.validate(op.output.schema, answer);
        if (issues.length && (responseValidation ?? "strict") === "strict") {
          throw new SoapFault("Server", describe("The server's answer", issues));
        }
      }
      return { body: toXml(service.types, op.output, answer) };
    },
  }));
  const served = wsdl ?? defaultWsdl;
  return createSoapEndpoint({
    ...rest,
    version: service.version,
    operations,
    ...(served !== undefined ? { wsdl: served } : {}),
  });
}

function describe(what: string, issues: readonly ValidationIssue[]): string {
  return `${what} does not match the schema: ${issues
    .slice(0, 5)
    .map((i) => `${i.path || "/"} ${i.message}`)
    .join("; ")}`;
}

export interface SoapClientOptions {
  /** The service URL (default: the address the WSDL names). */
  url?: string;
  fetch?: typeof globalThis.fetch;
  /** Per-call timeout in milliseconds (default 30 000; 0 disables). */
  timeoutMs?: number;
  /** Extra HTTP headers on every call. */
  headers?: Record<string, string>;
  /** Header blocks (XML text) for every envelope, e.g. WS-Security. */
  soapHeaders?: () => string[] | Promise<string[]>;
  /** Checks of requests and answers against the schema (default `strict`). */
  validation?: ValidationPolicy;
  onValidationIssue?: (error: ValidationError) => void;
}

export interface SoapCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A configured client of one SOAP service: pass it to the generated operation functions. */
export interface SoapClient {
  readonly service: SoapServiceDescriptor;
  readonly options: Readonly<SoapClientOptions>;
  readonly validator: SchemaValidator;
}

export function createSoapClient(
  service: SoapServiceDescriptor,
  schemas: SchemaBundle,
  options: SoapClientOptions = {},
): SoapClient {
  return { service, options: { ...options }, validator: new SchemaValidator(schemas) };
}

/** Sends one envelope and returns the parsed answer; faults become {@link SoapFaultError}. */
export async function sendSoap(init: {
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
}): Promise<{ status: number; envelope: SoapEnvelope; headers: Headers }> {
  const doFetch = init.fetch ?? globalThis.fetch;
  const timeoutMs = init.timeoutMs ?? 30_000;
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
  if (init.signal?.aborted) throw new AbortError(init.operationId, init.signal.reason);
  init.signal?.addEventListener("abort", onAbort, { once: true });
  const httpHeaders: Record<string, string> = {
    ...init.httpHeaders,
    "content-type": soapContentType(init.version, init.action),
  };
  if (init.version === "1.1") httpHeaders.soapaction = `"${init.action}"`;
  let res: Response;
  let text: string;
  try {
    res = await doFetch(init.url, {
      method: "POST",
      headers: httpHeaders,
      body: buildEnvelope(init.version, init.body, init.headers),
      signal: controller.signal,
    });
    text = await res.text();
  } catch (e) {
    if (timedOut) throw new TimeoutError(init.operationId, timeoutMs);
    if (init.signal?.aborted) throw new AbortError(init.operationId, init.signal.reason);
    throw new TransportError(init.operationId, e);
  } finally {
    clearTimeout(timer);
    init.signal?.removeEventListener("abort", onAbort);
  }
  let envelope: SoapEnvelope;
  try {
    envelope = parseEnvelope(text, init.version);
  } catch (e) {
    throw new SoapFaultError({
      operationId: init.operationId,
      status: res.status,
      faultCode: "InvalidResponse",
      reason: `the answer (HTTP ${res.status}) is not a SOAP ${init.version} envelope: ${e instanceof Error ? e.message : String(e)}`,
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
  const check = (direction: "request" | "response", schema: string | undefined, value: unknown) => {
    if (policy === "off" || !schema) return;
    const issues = client.validator.validate(schema, value);
    if (issues.length === 0) return;
    const error = new ValidationError({ operationId: op.name, direction, issues });
    if (policy === "strict") throw error;
    client.options.onValidationIssue?.(error);
  };
  check("request", op.input.schema, input);
  const url = client.options.url ?? service.address;
  if (!url) throw new Error(`${op.name}: no service URL`);
  const answer = await sendSoap({
    url,
    version: service.version,
    action: op.action,
    operationId: op.name,
    body: toXml(service.types, op.input, input),
    headers: (await client.options.soapHeaders?.()) ?? [],
    ...(client.options.headers ? { httpHeaders: client.options.headers } : {}),
    ...(client.options.fetch ? { fetch: client.options.fetch } : {}),
    ...((options.timeoutMs ?? client.options.timeoutMs) !== undefined
      ? { timeoutMs: (options.timeoutMs ?? client.options.timeoutMs)! }
      : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!op.output) return undefined as TOutput;
  let value: unknown;
  try {
    value = decodeRoot(service.types, op.output, answer.envelope.body);
  } catch (e) {
    if (e instanceof XmlError)
      throw new ValidationError({ operationId: op.name, direction: "response", issues: e.issues });
    throw e;
  }
  check("response", op.output.schema, value);
  return value as TOutput;
}
