import type { Element } from "@xmldom/xmldom";
import { childElements, escapeText, isElement, type XmlName } from "../xml/codec.js";
import type { SoapOperationDescriptor } from "./service.js";

/**
 * WS-Addressing 1.0 (W3C Recommendation, 9 May 2006: Core, and SOAP Binding) for bindings whose
 * WSDL says they use it: the message addressing headers a request carries (`wsa:Action`,
 * `wsa:MessageID`, `wsa:ReplyTo` anonymous, `wsa:To`, with `mustUnderstand` on Action and To as
 * WCF's `wsHttpBinding` sends them), the ones an answer carries (`wsa:Action`, `wsa:RelatesTo`),
 * and reading them back.
 */

/** The WS-Addressing 1.0 namespace. */
export const WSA_NS = "http://www.w3.org/2005/08/addressing";
/** The anonymous address: "answer on the back channel of this HTTP request". */
export const WSA_ANONYMOUS = `${WSA_NS}/anonymous`;
/** The action of WS-Addressing's own faults (SOAP Binding §6). */
export const WSA_FAULT_ACTION = `${WSA_NS}/fault`;
/** The action of faults SOAP itself defines (`MustUnderstand`, `VersionMismatch`, …) and others. */
export const WSA_SOAP_FAULT_ACTION = `${WSA_NS}/soap/fault`;

/** The message addressing properties a request carries. */
export interface AddressingRequest {
  /** `wsa:Action`: the operation's input action. */
  action: string;
  /** `urn:uuid:…`; a fresh one when absent. */
  messageId?: string;
  /** `wsa:To`: the endpoint's URL. */
  to: string;
}

/**
 * The header blocks of a request under WS-Addressing 1.0, in WCF's order: `wsa:Action`
 * (`mustUnderstand`), `wsa:MessageID`, `wsa:ReplyTo` anonymous, `wsa:To` (`mustUnderstand`).
 * `mustUnderstand` is written in the envelope's own namespace and prefix `s`, as
 * `buildEnvelope` declares it.
 */
export function addressingRequestHeaders(request: AddressingRequest): {
  headers: string[];
  messageId: string;
} {
  const messageId = request.messageId ?? newMessageId();
  const mu = `s:mustUnderstand="1"`;
  const a = `xmlns:a="${WSA_NS}"`;
  return {
    messageId,
    headers: [
      `<a:Action ${a} ${mu}>${escapeText(request.action)}</a:Action>`,
      `<a:MessageID ${a}>${escapeText(messageId)}</a:MessageID>`,
      `<a:ReplyTo ${a}><a:Address>${WSA_ANONYMOUS}</a:Address></a:ReplyTo>`,
      `<a:To ${a} ${mu}>${escapeText(request.to)}</a:To>`,
    ],
  };
}

/**
 * The header blocks of an answer: `wsa:Action` (`mustUnderstand`, as WCF answers) and, when the
 * request had a `wsa:MessageID`, `wsa:RelatesTo` naming it.
 */
export function addressingReplyHeaders(action: string, relatesTo: string | undefined): string[] {
  const a = `xmlns:a="${WSA_NS}"`;
  const headers = [`<a:Action ${a} s:mustUnderstand="1">${escapeText(action)}</a:Action>`];
  if (relatesTo !== undefined)
    headers.push(`<a:RelatesTo ${a}>${escapeText(relatesTo)}</a:RelatesTo>`);
  return headers;
}

/** A fresh `wsa:MessageID` value: `urn:uuid:` and a random UUID. */
export function newMessageId(): string {
  return `urn:uuid:${globalThis.crypto.randomUUID()}`;
}

/** The WS-Addressing 1.0 properties read from an envelope's header blocks. */
export interface AddressingHeaders {
  /** `wsa:Action`. */
  action?: string;
  /** `wsa:MessageID`. */
  messageId?: string;
  /** `wsa:To`. */
  to?: string;
  /** `wsa:RelatesTo` (its reply relationship, the default one, is assumed). */
  relatesTo?: string;
  /** The address of `wsa:ReplyTo`, when there is one. */
  replyTo?: string;
  /** The address of `wsa:FaultTo`, when there is one. */
  faultTo?: string;
  /** Names of the addressing headers that appear more than once (each may appear once). */
  duplicates: XmlName[];
}

/** Reads the WS-Addressing 1.0 header blocks of an envelope (other headers are ignored). */
export function readAddressingHeaders(headers: readonly Element[]): AddressingHeaders {
  const out: AddressingHeaders = { duplicates: [] };
  const seen = new Set<string>();
  const text = (el: Element) => (el.textContent ?? "").trim();
  const address = (el: Element) => {
    const addr = childElements(el).find((k) => isElement(k, { ns: WSA_NS, local: "Address" }));
    return addr ? text(addr) : "";
  };
  for (const h of headers) {
    if (h.namespaceURI !== WSA_NS) continue;
    const local = h.localName ?? "";
    const once = ["Action", "MessageID", "To", "ReplyTo", "FaultTo", "From"];
    if (once.includes(local)) {
      if (seen.has(local)) out.duplicates.push({ ns: WSA_NS, local });
      seen.add(local);
    }
    if (local === "Action") out.action = text(h);
    else if (local === "MessageID") out.messageId = text(h);
    else if (local === "To") out.to = text(h);
    else if (local === "RelatesTo") out.relatesTo = text(h);
    else if (local === "ReplyTo") out.replyTo = address(h);
    else if (local === "FaultTo") out.faultTo = address(h);
  }
  return out;
}

/**
 * The fault detail WS-Addressing 1.0 SOAP Binding §6.4 gives a missing or invalid header: a
 * `wsa:ProblemHeaderQName` naming it.
 */
export function problemHeaderDetail(local: string): string {
  return `<a:ProblemHeaderQName xmlns:a="${WSA_NS}">a:${local}</a:ProblemHeaderQName>`;
}

/** The fault detail of `wsa:ActionNotSupported` (§6.4.1): the action, in `wsa:ProblemAction`. */
export function problemActionDetail(action: string): string {
  return `<a:ProblemAction xmlns:a="${WSA_NS}"><a:Action>${escapeText(action)}</a:Action></a:ProblemAction>`;
}

/** The `wsa:Action` of an operation's request: the WSDL's input action, else its SOAPAction. */
export function addressingAction(op: SoapOperationDescriptor): string {
  return op.inputAction ?? op.action;
}

/**
 * The `wsa:Action` of an operation's answer: the WSDL's output action, else the request action
 * followed by `Response` (what WCF and the default action pattern of WS-Addressing 1.0 Metadata
 * give an output named after its operation, when the request action follows the pattern too).
 */
export function replyAction(op: SoapOperationDescriptor): string {
  return op.outputAction ?? `${addressingAction(op)}Response`;
}
