import type { Element } from "@xmldom/xmldom";
import type { RawRequest, RawResponse, Router } from "../server/router.js";
import { routerFrom } from "../server/router-from.js";
import { isPromise } from "../server/thenable.js";
import { utf8 } from "../server/utf8.js";
import { childElements, formatName, isElement, type XmlName } from "../xml/codec.js";
import { parseXml, type XmlLimits, xmlLimits } from "../xml/parse.js";
import {
  addressingReplyHeaders,
  problemActionDetail,
  problemHeaderDetail,
  readAddressingHeaders,
  WSA_ANONYMOUS,
  WSA_FAULT_ACTION,
  WSA_NS,
  WSA_SOAP_FAULT_ACTION,
} from "./addressing.js";
import {
  buildEnvelope,
  envelopeNamespace,
  faultHttpStatus,
  faultXml,
  parseEnvelope,
  type SoapEnvelope,
  SoapFault,
  type SoapVersion,
  soapContentType,
} from "./envelope.js";
import { servedWsdl, wsdlTemplate } from "./wsdl.js";

/**
 * The server side of SOAP over HTTP: one endpoint routes a POSTed envelope to an operation by its
 * action (or its body element), answers every failure with a fault of its version and serves the
 * WSDL at `?wsdl` with its address rewritten to the one the request came to.
 */

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

/** One operation an endpoint serves: how a request selects it and what answers it. */
export interface SoapEndpointOperation {
  name: string;
  /** The action that selects the operation; without one, the body element does. */
  action?: string;
  /** The element the body must hold. */
  element: XmlName;
  /**
   * The `wsa:Action` of the answer, on an endpoint with {@link SoapEndpointOptions.addressing};
   * an operation with one expects a reply, so its request must carry a `wsa:MessageID`.
   */
  outputAction?: string;
  /**
   * The actions of the operation's typed faults, on an endpoint with
   * {@link SoapEndpointOptions.addressing}: a {@link SoapFault} thrown by `handle` whose detail's
   * first element is a fault's `element` is answered with that fault's `action` as `wsa:Action`
   * (any other fault with WS-Addressing's generic SOAP fault action).
   */
  faults?: readonly { element: XmlName; action: string }[];
  /** Answers a request that selected this operation. */
  handle(request: SoapRequest): SoapReply | Promise<SoapReply>;
}

/**
 * What an endpoint's {@link SoapEndpointSecurity} hook is told about one exchange. The same object
 * is given to `open` and then to `protect` of one request, so a hook may keep per-request state
 * (the proof key that protected the request, to protect the answer with) keyed by it.
 */
export interface SoapEndpointSecurityContext {
  /** The HTTP request as received. */
  readonly raw: RawRequest;
  /** The operation the request selected; set once it is known (always before `protect`). */
  operation?: string;
}

/**
 * Message security applied by an endpoint to whole envelopes (e.g. WS-Security: the request's
 * signature checked and its body decrypted, the answer signed and encrypted).
 *
 * An error thrown by either hook never escapes: a {@link SoapFault}, or an error with a
 * `toSoapFault()` method returning one (as the WS-Security errors of `@trustspec/dss` have), is
 * answered as that fault with its version's HTTP status; any other error as a generic fault that
 * quotes nothing of it (`Client` from `open`, `Server` from `protect`). Faults are answered
 * unprotected, as WS-Security services answer security faults.
 */
export interface SoapEndpointSecurity {
  /**
   * Checks and rewrites the request envelope (UTF-8 text, within `maxBodyBytes`) before it is
   * parsed; what it returns is parsed and dispatched as the request.
   */
  open(request: string, context: SoapEndpointSecurityContext): string | Promise<string>;
  /** Rewrites the complete answer envelope (addressing headers in it) before it is sent. */
  protect?(answer: string, context: SoapEndpointSecurityContext): string | Promise<string>;
}

/** Settings of a SOAP endpoint: its version, operations, WSDL and limits. */
export interface SoapEndpointOptions {
  version: SoapVersion;
  operations: readonly SoapEndpointOperation[];
  /**
   * The WSDL served at `GET <path>?wsdl`. Its `soap:address`, `soap12:address` and endpoint
   * reference addresses are rewritten to the URL the WSDL was fetched from (scheme, `Host` header
   * and path as the request saw them), so a client that follows the WSDL calls this endpoint.
   */
  wsdl?: string;
  /**
   * The schema documents the WSDL imports, served at `GET <path>?xsd=<name>` (WCF's names:
   * `xsd0`, `xsd1`, …). A `schemaLocation` of `?xsd=<name>` in the WSDL or in these documents is
   * served as the absolute URL of the request with that query, so the set reads as one.
   */
  schemaDocuments?: Readonly<Record<string, string>>;
  /** Largest accepted request body (default 1 MiB); a larger one gets a fault and 413. */
  maxBodyBytes?: number;
  /**
   * How much one request envelope may hold, checked while it is read (default
   * {@link DEFAULT_XML_LIMITS}); a request over a limit gets a `Client` fault.
   */
  xmlLimits?: Partial<XmlLimits>;
  /** Header blocks the endpoint processes; any other with `mustUnderstand` gets a fault. */
  understoodHeaders?: readonly XmlName[];
  /**
   * The HTTP status of `Client` (`Sender`) faults, for a peer that wants another than its SOAP
   * version's HTTP binding gives (SOAP 1.1: 500; SOAP 1.2: 400). Refusals before a message is
   * read keep their HTTP status whatever this says: 405 for a method other than POST, 413 for a
   * body too large, 415 for a wrong media type.
   */
  clientFaultStatus?: number;
  /** Sees every fault answered (for logs). Messages hold no payload values. */
  onFault?(fault: SoapFault, request: RawRequest): void;
  /**
   * The binding uses WS-Addressing 1.0 (its WSDL says `wsaw:UsingAddressing` or
   * `wsam:Addressing`). Then every request must carry `wsa:Action`, which selects the operation
   * (an HTTP action that differs from it, an unknown one, a missing one, a request expecting a
   * reply without `wsa:MessageID`, a `wsa:ReplyTo` other than the anonymous address or a repeated
   * header is answered with the fault WS-Addressing 1.0 SOAP Binding §6.4 names), and every
   * answer carries `wsa:Action` (the operation's output action; for a fault, the action of the
   * operation's typed fault it is (see {@link SoapEndpointOperation.faults}), else the addressing
   * fault action) and `wsa:RelatesTo` the request's `wsa:MessageID`. Without it nothing of this applies.
   */
  addressing?: boolean;
  /**
   * Message security over whole envelopes: the request opened before it is parsed, the answer
   * protected after it is built. Header blocks it leaves in the opened request must still be
   * named in {@link understoodHeaders} when they carry `mustUnderstand`.
   */
  security?: SoapEndpointSecurity;
}

/** How {@link soapFaultResponse} answers a fault. */
export interface SoapFaultResponseOptions {
  /**
   * The answer's HTTP status, whatever the fault and its version's binding say (e.g. 404 for an
   * endpoint that is not there, or one status for every fault of a service that sends them so).
   */
  status?: number;
  /**
   * The HTTP status of `Client` (`Sender`) faults, for a peer that wants another than its SOAP
   * version's HTTP binding gives (as {@link SoapEndpointOptions.clientFaultStatus}).
   */
  clientFaultStatus?: number;
  /** Header blocks of the fault's envelope, as XML text (e.g. WS-Addressing reply headers). */
  headers?: readonly string[];
}

/**
 * A SOAP fault as an HTTP answer: the fault's envelope of `version` (see {@link faultXml}), as
 * UTF-8, with the version's media type (see {@link soapContentType}) and the HTTP status
 * `options.status`, else the one {@link faultHttpStatus} gives the fault (SOAP 1.1: 500; SOAP 1.2:
 * `Sender` 400, any other code 500; a fault's own `status` first). {@link createSoapEndpoint}
 * answers every fault with it; a hand-written service answers with it what it refuses before
 * an endpoint sees the request.
 */
export function soapFaultResponse(
  version: SoapVersion,
  fault: SoapFault,
  options: SoapFaultResponseOptions = {},
): RawResponse {
  return {
    status: options.status ?? faultHttpStatus(version, fault, options.clientFaultStatus),
    headers: { "content-type": soapContentType(version) },
    body: utf8(buildEnvelope(version, faultXml(version, fault), options.headers)),
  };
}

const ADDRESSING = [
  "http://www.w3.org/2005/08/addressing",
  "http://schemas.xmlsoap.org/ws/2004/08/addressing",
];
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * A SOAP endpoint over HTTP: POST with an envelope to call an operation, `GET ?wsdl` for the
 * WSDL. Every failure is answered with a SOAP fault of the endpoint's version; it never throws.
 */
export function createSoapEndpoint(options: SoapEndpointOptions): Router {
  const { version } = options;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const clientStatus = options.clientFaultStatus;
  // Merged and checked once: each request is parsed with them as they are.
  const limits = xmlLimits(options.xmlLimits);
  const wsdl = options.wsdl !== undefined ? wsdlTemplate(options.wsdl) : undefined;
  const schemas = new Map(
    Object.entries(options.schemaDocuments ?? {}).map(([name, text]) => [name, wsdlTemplate(text)]),
  );
  const understood = [
    ...(options.understoodHeaders ?? []),
    ...ADDRESSING.flatMap((ns) =>
      ["Action", "To", "MessageID", "ReplyTo", "RelatesTo"].map((local) => ({ ns, local })),
    ),
    ...(options.addressing ? ["FaultTo", "From"].map((local) => ({ ns: WSA_NS, local })) : []),
  ];
  const expected = version === "1.1" ? "text/xml" : "application/soap+xml";
  // Clients send the same Content-Type on every request: the last one checked is remembered.
  let acceptedType: string | undefined;
  function acceptsMediaType(header: string): boolean {
    if (header === acceptedType) return true;
    const type = header.toLowerCase();
    const mediaType = type.split(";")[0]!.trim();
    const charset = /;\s*charset="?([^";\s]+)"?/.exec(type)?.[1];
    if (mediaType !== expected || (charset && charset !== "utf-8")) return false;
    acceptedType = header;
    return true;
  }
  const byAction = new Map<string, SoapEndpointOperation>();
  for (const op of options.operations) if (op.action) byAction.set(op.action, op);

  function faultResponse(
    fault: SoapFault,
    request: RawRequest,
    replyTo?: { messageId: string | undefined },
    action?: string,
  ): RawResponse {
    try {
      options.onFault?.(fault, request);
    } catch {
      // A failing log hook does not change the answer.
    }
    return soapFaultResponse(version, fault, {
      clientFaultStatus: clientStatus,
      headers: replyTo
        ? addressingReplyHeaders(
            action ?? (fault.subcode?.ns === WSA_NS ? WSA_FAULT_ACTION : WSA_SOAP_FAULT_ACTION),
            replyTo.messageId,
          )
        : undefined,
    });
  }

  async function dispatch(request: RawRequest): Promise<RawResponse> {
    const q = request.url.indexOf("?");
    const query = q < 0 ? "" : request.url.slice(q + 1);
    if (request.method === "GET" && wsdl !== undefined && /^wsdl$/i.test(query)) {
      return {
        status: 200,
        headers: { "content-type": "text/xml; charset=utf-8" },
        body: utf8(servedWsdl(wsdl, request)),
      };
    }
    const schema = request.method === "GET" ? /^xsd=([\w.-]+)$/i.exec(query) : null;
    const served = schema ? schemas.get(schema[1]!) : undefined;
    if (served !== undefined) {
      return {
        status: 200,
        headers: { "content-type": "text/xml; charset=utf-8" },
        body: utf8(servedWsdl(served, request)),
      };
    }
    if (request.method !== "POST") {
      const r = faultResponse(
        new SoapFault(
          "Client",
          `Method ${request.method} is not allowed; send a SOAP envelope with POST${wsdl ? " or GET ?wsdl" : ""}.`,
          { status: 405 },
        ),
        request,
      );
      r.headers.allow = wsdl ? "GET, POST" : "POST";
      return r;
    }
    if (request.body.byteLength > maxBody) {
      return faultResponse(
        new SoapFault("Client", `The request body exceeds ${maxBody} bytes.`, { status: 413 }),
        request,
      );
    }
    if (!acceptsMediaType(request.headers["content-type"] ?? "")) {
      return faultResponse(
        new SoapFault("Client", `SOAP ${version} messages travel as ${expected}; charset=utf-8.`, {
          status: 415,
        }),
        request,
      );
    }
    let text: string;
    try {
      text = decoder.decode(request.body);
    } catch {
      return faultResponse(new SoapFault("Client", "The request body is not UTF-8."), request);
    }
    const security = options.security;
    const exchange: SoapEndpointSecurityContext = { raw: request };
    if (security) {
      try {
        text = await security.open(text, exchange);
      } catch (e) {
        return faultResponse(
          securityFault(e, "Client", "The request's message security was refused."),
          request,
        );
      }
    }
    let env: SoapEnvelope;
    try {
      env = parseEnvelope(text, version, limits);
    } catch (e) {
      if (e instanceof SoapFault) return faultResponse(e, request);
      throw e;
    }
    const wsa = options.addressing ? readAddressingHeaders(env.headers) : undefined;
    // With addressing, every fault from here on is an answer that names the request.
    const replyTo = wsa ? { messageId: wsa.messageId } : undefined;
    for (const h of env.headers) {
      const mu = h.getAttributeNS(envelopeNamespace(version), "mustUnderstand");
      if ((mu === "1" || mu === "true") && !understood.some((n) => isElement(h, n))) {
        return faultResponse(
          new SoapFault(
            "MustUnderstand",
            `The header ${formatName({ ns: h.namespaceURI ?? null, local: h.localName ?? "" })} is not understood.`,
          ),
          request,
          replyTo,
        );
      }
    }
    if (wsa) {
      const problem = addressingProblem(wsa, httpAction(request, env));
      if (problem) return faultResponse(problem, request, replyTo);
    }
    const action = wsa ? wsa.action : requestAction(request, env);
    let op: SoapEndpointOperation | undefined;
    if (version === "1.1" && action === undefined && byAction.size > 0) {
      return faultResponse(new SoapFault("Client", "The SOAPAction header is required."), request);
    }
    if (action) {
      op = byAction.get(action);
      if (!op && wsa) {
        return faultResponse(
          new SoapFault(
            "Client",
            `The action ${JSON.stringify(action.slice(0, 200))} cannot be processed at the receiver.`,
            {
              subcode: { ns: WSA_NS, local: "ActionNotSupported" },
              detail: problemActionDetail(action.slice(0, 2000)),
            },
          ),
          request,
          replyTo,
        );
      }
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
        replyTo,
      );
    }
    if (wsa && op.outputAction !== undefined && wsa.messageId === undefined) {
      return faultResponse(addressingRequired("MessageID"), request, replyTo);
    }
    exchange.operation = op.name;
    let reply: SoapReply;
    try {
      const pending = op.handle({ envelope: env, action, raw: request });
      reply = isPromise(pending) ? await pending : pending;
    } catch (e) {
      if (e instanceof SoapFault) {
        return faultResponse(e, request, replyTo, replyTo && typedFaultAction(op, e));
      }
      return faultResponse(
        new SoapFault("Server", `${op.name} failed inside the server.`),
        request,
        replyTo,
      );
    }
    const headers =
      wsa && op.outputAction !== undefined
        ? [...addressingReplyHeaders(op.outputAction, wsa.messageId), ...(reply.headers ?? [])]
        : reply.headers;
    let answer = buildEnvelope(version, reply.body, headers);
    if (security?.protect) {
      try {
        answer = await security.protect(answer, exchange);
      } catch (e) {
        return faultResponse(
          securityFault(e, "Server", "The answer could not be protected."),
          request,
          replyTo,
        );
      }
    }
    return {
      status: reply.status ?? 200,
      headers: { "content-type": soapContentType(version) },
      body: utf8(answer),
    };
  }

  function handle(request: RawRequest): Promise<RawResponse> {
    return dispatch(request).catch(() =>
      faultResponse(new SoapFault("Server", "The server failed to answer."), request),
    );
  }

  return routerFrom(handle, maxBody);
}

/**
 * The action of a typed fault of `op`: the one whose element is the first element of the fault's
 * detail. The detail is the server's own XML, read with the bounded parser; a detail that does not
 * parse has none.
 */
function typedFaultAction(op: SoapEndpointOperation, fault: SoapFault): string | undefined {
  if (!op.faults?.length || !fault.detail) return undefined;
  let first: Element | undefined;
  try {
    first = childElements(parseXml(`<detail>${fault.detail}</detail>`))[0];
  } catch {
    return undefined;
  }
  return op.faults.find((f) => isElement(first, f.element))?.action;
}

/**
 * The fault a security hook's error is answered with: the error itself when it is a
 * {@link SoapFault}, what its `toSoapFault()` gives, else a generic fault that quotes nothing.
 */
function securityFault(e: unknown, code: "Client" | "Server", reason: string): SoapFault {
  if (e instanceof SoapFault) return e;
  const convert = (e as { toSoapFault?: unknown } | null)?.toSoapFault;
  if (typeof convert === "function") {
    try {
      const fault: unknown = convert.call(e);
      if (fault instanceof SoapFault) return fault;
    } catch {
      // A failing conversion is answered like any other error.
    }
  }
  return new SoapFault(code, reason);
}

/** The action the HTTP binding names: SOAPAction (SOAP 1.1) or the media type's `action` (1.2). */
function httpAction(request: RawRequest, env: SoapEnvelope): string | undefined {
  if (env.version === "1.1") {
    const raw = request.headers.soapaction;
    return raw === undefined ? undefined : unquote(raw);
  }
  return /;\s*action="?([^";]+)"?/i.exec(request.headers["content-type"] ?? "")?.[1];
}

function addressingRequired(local: string): SoapFault {
  return new SoapFault(
    "Client",
    `A required header representing a Message Addressing Property is not present: wsa:${local}.`,
    {
      subcode: { ns: WSA_NS, local: "MessageAddressingHeaderRequired" },
      detail: problemHeaderDetail(local),
    },
  );
}

function invalidHeader(local: string, why: string): SoapFault {
  return new SoapFault(
    "Client",
    `A header representing a Message Addressing Property is not valid: ${why}.`,
    {
      subcode: { ns: WSA_NS, local: "InvalidAddressingHeader" },
      detail: problemHeaderDetail(local),
    },
  );
}

/**
 * What WS-Addressing 1.0 SOAP Binding §6.4 faults in a request's addressing headers before the
 * action selects an operation: a repeated header (InvalidCardinality), no `wsa:Action`, an HTTP
 * action that differs from it (ActionMismatch; an empty SOAPAction is allowed), a reply address
 * other than the anonymous one (OnlyAnonymousAddressSupported: answers go back on the HTTP
 * response).
 */
function addressingProblem(
  wsa: ReturnType<typeof readAddressingHeaders>,
  http: string | undefined,
): SoapFault | undefined {
  const dup = wsa.duplicates[0];
  if (dup) return invalidHeader(dup.local, `wsa:${dup.local} appears more than once`);
  if (wsa.action === undefined || wsa.action === "") return addressingRequired("Action");
  if (http && http !== wsa.action) {
    return invalidHeader("Action", "the HTTP action differs from wsa:Action");
  }
  for (const [local, address] of [
    ["ReplyTo", wsa.replyTo],
    ["FaultTo", wsa.faultTo],
  ] as const) {
    if (address !== undefined && address !== WSA_ANONYMOUS) {
      return invalidHeader(local, `only the anonymous address is supported in wsa:${local}`);
    }
  }
  return undefined;
}

/** A SOAPAction header's value: trimmed, without the quotes around it. */
function unquote(raw: string): string {
  const v = raw.trim();
  return v.length >= 2 && v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34
    ? v.slice(1, -1)
    : v;
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
    return unquote(raw);
  }
  const param = /;\s*action="?([^";]+)"?/i.exec(request.headers["content-type"] ?? "")?.[1];
  if (param) return param;
  const wsa = env.headers.find(
    (h) => h.localName === "Action" && ADDRESSING.includes(h.namespaceURI ?? ""),
  );
  return wsa ? (wsa.textContent ?? "").trim() : undefined;
}
