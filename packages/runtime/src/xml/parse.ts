import { DOMImplementation, type Document, type Element } from "@xmldom/xmldom";
import { SaxesParser, type SaxesTagNS } from "saxes";
import { TrustspecError, type ValidationIssue } from "../errors.js";

/**
 * Bounded, safe XML parsing for every message the SOAP runtime reads, on servers and clients
 * alike. A streaming reader (`saxes`, a strict, conformant SAX parser) builds the DOM element by
 * element and checks the limits as it reads, so a hostile document is refused after doing at most
 * the work the limits allow, instead of after it has become a DOM. DOCTYPE and entity declarations
 * are refused before any parsing; only the five predefined entities and character references are
 * understood.
 */

/** How much one XML document may hold. Every limit is checked while reading. */
export interface XmlLimits {
  /** Deepest nesting of elements, the root counting 1. */
  maxDepth: number;
  /** Elements in the whole document. */
  maxElements: number;
  /** Attributes on one element, namespace declarations included. */
  maxAttributes: number;
  /** Attributes in the whole document, namespace declarations included. */
  maxTotalAttributes: number;
  /** Characters in one element or attribute name (with its prefix). */
  maxNameLength: number;
  /** Characters of text, CDATA and attribute values in the whole document. */
  maxTextLength: number;
}

/**
 * The default limits. They fit every message of the specs with room to spare: the densest legal
 * DSS message, `SignDocuments` over many small documents, spends more than 100 bytes per element,
 * so a 1 MiB body (the default body limit of an endpoint) holds fewer than 10 000 elements; the
 * deepest (a SOAP 1.2 envelope carrying a signed SAML assertion in a WS-Security header) nests
 * about 15 levels; WCF declares fewer than 20 namespaces on one element, and its messages carry
 * fewer attributes than elements.
 */
export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxDepth: 64,
  maxElements: 10_000,
  maxAttributes: 64,
  maxTotalAttributes: 20_000,
  maxNameLength: 256,
  maxTextLength: 16 * 1024 * 1024,
});

/** The name of one of the {@link XmlLimits}. */
export type XmlLimitName = keyof XmlLimits;

/**
 * XML that is not well-formed, declares a DTD or entities, goes over a limit, or does not match
 * its schema.
 */
export class XmlError extends TrustspecError {
  /**
   * `malformed`, `forbidden` (DTD, entity declarations), `limit` (over one of the
   * {@link XmlLimits}, named in `limit`) or `invalid` (against the schema).
   */
  readonly reason: "malformed" | "forbidden" | "limit" | "invalid";
  readonly issues: readonly ValidationIssue[];
  /** The limit that was reached, for `reason: "limit"`. */
  readonly limit: XmlLimitName | undefined;
  constructor(
    reason: "malformed" | "forbidden" | "limit" | "invalid",
    message: string,
    issues: readonly ValidationIssue[] = [],
    limit?: XmlLimitName,
  ) {
    super(`xml_${reason}`, message);
    this.name = "XmlError";
    this.reason = reason;
    this.issues = issues;
    this.limit = limit;
  }
}

const FORBIDDEN = /<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST|<!NOTATION/i;

const LIMIT_TEXT: Record<XmlLimitName, string> = {
  maxDepth: "elements nested deeper than",
  maxElements: "more elements than",
  maxAttributes: "an element with more attributes than",
  maxTotalAttributes: "more attributes than",
  maxNameLength: "a name longer than",
  maxTextLength: "more characters of text than",
};

class LimitReached extends Error {
  constructor(readonly limit: XmlLimitName) {
    super(limit);
  }
}

const implementation = new DOMImplementation();

/** Limits already merged with the defaults and checked, which `parseXml` takes as they are. */
const complete = new WeakSet<object>([DEFAULT_XML_LIMITS]);

/**
 * The limits with the given ones replacing the defaults. Endpoints and clients call it once, when
 * they are made, so each message is parsed without merging them again.
 * @throws RangeError for a limit that is not a positive number.
 */
export function xmlLimits(overrides: Partial<XmlLimits> = {}): Readonly<XmlLimits> {
  if (complete.has(overrides)) return overrides as Readonly<XmlLimits>;
  const out = { ...DEFAULT_XML_LIMITS };
  for (const key of Object.keys(DEFAULT_XML_LIMITS) as XmlLimitName[]) {
    const v = overrides[key];
    if (v !== undefined) {
      if (!(v > 0)) throw new RangeError(`XML limit ${key} must be a positive number`);
      out[key] = v;
    }
  }
  Object.freeze(out);
  complete.add(out);
  return out;
}

/**
 * Parses XML text into a DOM (`@xmldom/xmldom` nodes), refusing anything with a document type
 * declaration or entity declarations (XXE, billion laughs) before parsing, and anything over the
 * limits while reading. Comments and processing instructions are dropped; text, CDATA, elements
 * and attributes (namespace declarations included) are kept.
 *
 * @throws XmlError `forbidden` for DTDs and declarations, `limit` for a document over a limit,
 *   `malformed` for text that is not well-formed, namespace-correct XML.
 */
export function parseXml(text: string, limits: Partial<XmlLimits> = DEFAULT_XML_LIMITS): Element {
  if (FORBIDDEN.test(text)) {
    throw new XmlError(
      "forbidden",
      "XML with a document type or entity declaration is not accepted.",
    );
  }
  const max = xmlLimits(limits);
  const doc: Document = implementation.createDocument(null, "", null);
  const parser = new SaxesParser({ xmlns: true });
  let current: Document | Element = doc;
  let elements = 0;
  let open = 0;
  let attributes = 0;
  let allAttributes = 0;
  let textLength = 0;
  const addText = (n: number) => {
    textLength += n;
    if (textLength > max.maxTextLength) throw new LimitReached("maxTextLength");
  };
  parser.on("opentagstart", (tag) => {
    if (++elements > max.maxElements) throw new LimitReached("maxElements");
    if (tag.name.length > max.maxNameLength) throw new LimitReached("maxNameLength");
    // The root is at depth 1; the element starting now is one below the open ones.
    if (open + 1 > max.maxDepth) throw new LimitReached("maxDepth");
    attributes = 0;
  });
  parser.on("attribute", (attr) => {
    if (++attributes > max.maxAttributes) throw new LimitReached("maxAttributes");
    if (++allAttributes > max.maxTotalAttributes) throw new LimitReached("maxTotalAttributes");
    if (attr.name.length > max.maxNameLength) throw new LimitReached("maxNameLength");
    addText(attr.value.length);
  });
  parser.on("opentag", (tag) => {
    const t = tag as SaxesTagNS;
    const el = doc.createElementNS(t.uri === "" ? null : t.uri, t.name);
    for (const name in t.attributes) {
      const a = t.attributes[name]!;
      el.setAttributeNS(a.uri === "" ? null : a.uri, a.name, a.value);
    }
    current.appendChild(el);
    if (!t.isSelfClosing) {
      current = el;
      open++;
    }
  });
  parser.on("closetag", (tag) => {
    if (!tag.isSelfClosing) {
      current = current.parentNode as Document | Element;
      open--;
    }
  });
  parser.on("text", (t) => {
    addText(t.length);
    // Whitespace around the root is not part of the document element.
    if (current !== doc) current.appendChild(doc.createTextNode(t));
  });
  parser.on("cdata", (t) => {
    addText(t.length);
    current.appendChild(doc.createCDATASection(t));
  });
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof LimitReached) {
      const value = max[e.limit];
      throw new XmlError(
        "limit",
        `The XML holds ${LIMIT_TEXT[e.limit]} ${value} allows (${e.limit}).`,
        [],
        e.limit,
      );
    }
    throw new XmlError("malformed", `The XML is not well-formed (${shorten(e)}).`);
  }
  if (!doc.documentElement) throw new XmlError("malformed", "The XML has no root element.");
  return doc.documentElement;
}

function shorten(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  // The reader's messages may quote a name from the input; keep them short and on one line.
  return message.replace(/\s+/g, " ").slice(0, 120);
}
