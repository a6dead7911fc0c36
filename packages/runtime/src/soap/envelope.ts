import type { Element } from "@xmldom/xmldom";
import { TrustspecError } from "../errors.js";
import { childElements, isElement, type XmlName, XmlWriter } from "../xml/codec.js";
import { parseXml, XmlError, type XmlLimits } from "../xml/parse.js";

/**
 * SOAP envelopes and faults, for both versions: building and reading them, the media types they
 * travel with, and the HTTP status each fault gets under its version's HTTP binding.
 */

export type SoapVersion = "1.1" | "1.2";

/** The envelope namespace of SOAP 1.1. */
export const SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/";
/** The envelope namespace of SOAP 1.2. */
export const SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope";

/** The envelope namespace of a SOAP version. */
export function envelopeNamespace(version: SoapVersion): string {
  return version === "1.1" ? SOAP11_NS : SOAP12_NS;
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
  /**
   * The HTTP status of the answer; by default the one the SOAP version's HTTP binding gives
   * the fault (see {@link faultHttpStatus}).
   */
  readonly status: number | undefined;
  /** The fault's detail as XML text (one or more elements), e.g. WS-Addressing's `ProblemHeaderQName`. */
  readonly detail: string | undefined;
  constructor(
    faultCode: SoapFaultCode,
    reason: string,
    options: { subcode?: XmlName; status?: number; detail?: string; cause?: unknown } = {},
  ) {
    super(reason, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "SoapFault";
    this.faultCode = faultCode;
    this.subcode = options.subcode;
    this.status = options.status;
    this.detail = options.detail;
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
  /**
   * The fault's detail as XML text (its `detail`/`Detail` element's content), when it has one:
   * e.g. a service's typed fault contract, to be read with the bounded parser.
   */
  readonly detail: string | undefined;
  constructor(init: {
    operationId: string;
    status: number;
    faultCode: string;
    faultCodeName?: XmlName;
    subcode?: XmlName;
    reason: string;
    detail?: string;
    cause?: unknown;
  }) {
    super(
      "soap_fault",
      `${init.operationId}: SOAP fault ${init.faultCode}${init.subcode ? ` (${init.subcode.local})` : ""}: ${init.reason.slice(0, 300)}`,
      init.cause !== undefined ? { cause: init.cause } : undefined,
    );
    this.name = "SoapFaultError";
    this.operationId = init.operationId;
    this.status = init.status;
    this.faultCode = init.faultCode;
    this.faultCodeName = init.faultCodeName;
    this.subcode = init.subcode;
    this.reason = init.reason;
    this.detail = init.detail;
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
    if (fault.detail !== undefined) w.raw(`<detail>${fault.detail}</detail>`);
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
  if (fault.detail !== undefined) w.raw(`<s:Detail>${fault.detail}</s:Detail>`);
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
 * Parses a SOAP envelope safely (no DTD, no entities, within the XML limits) and checks its shape: an Envelope of the
 * expected version with an optional Header and a Body holding exactly one element.
 * @throws SoapFault (`VersionMismatch` or `Client`) describing what is wrong; for XML that could
 *   not be read, its `cause` is the {@link XmlError}.
 */
export function parseEnvelope(
  text: string,
  version: SoapVersion,
  limits?: Partial<XmlLimits>,
): SoapEnvelope {
  let root: Element;
  try {
    root = parseXml(text, limits);
  } catch (e) {
    if (e instanceof XmlError) throw new SoapFault("Client", e.message, { cause: e });
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

/**
 * Reads a fault from a parsed body element, or undefined when it is none. `detail` is the content
 * of its `detail` (1.1) or `Detail` (1.2) element as XML text, when it holds elements.
 */
export function readFault(env: SoapEnvelope):
  | {
      faultCode: string;
      faultCodeName?: XmlName;
      subcode?: XmlName;
      reason: string;
      detail?: string;
    }
  | undefined {
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
  const detailOf = (el: Element | undefined) => {
    const items = el ? childElements(el) : [];
    return items.length ? { detail: items.map((d) => d.toString()).join("") } : {};
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
      ...detailOf(kids.find((k) => k.localName === "detail")),
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
    ...detailOf(kids.find((k) => isElement(k, { ns, local: "Detail" }))),
  };
}

/** The media type a SOAP version travels with. */
export function soapContentType(version: SoapVersion, action?: string): string {
  return version === "1.1"
    ? "text/xml; charset=utf-8"
    : `application/soap+xml; charset=utf-8${action ? `; action="${action}"` : ""}`;
}

/**
 * The HTTP status a fault travels with under its SOAP version's HTTP binding: every SOAP 1.1
 * fault with 500 (SOAP 1.1 §6.2, WS-I Basic Profile 1.1 R1126; WCF clients read a fault only from
 * a 500); in SOAP 1.2, `Sender` with 400 and every other code with 500 (SOAP 1.2 Part 2 §7.5.2.2).
 * `clientFaultStatus` replaces the status of `Client`/`Sender` faults for a peer that wants
 * another; a fault's own `status` wins over both.
 */
export function faultHttpStatus(
  version: SoapVersion,
  fault: SoapFault,
  clientFaultStatus?: number,
): number {
  if (fault.status !== undefined) return fault.status;
  if (fault.faultCode === "Client" && clientFaultStatus !== undefined) return clientFaultStatus;
  return version === "1.2" && fault.faultCode === "Client" ? 400 : 500;
}
