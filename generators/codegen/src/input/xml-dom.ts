import { createRequire } from "node:module";
import type { Element } from "@xmldom/xmldom";
import type { XmlName } from "../model.js";

/**
 * The DOM helpers the XML Schema and WSDL readers share: safe parsing (no DTD), namespaced child
 * lookup, and QName resolution against the in-scope namespace declarations.
 */

/** Parses XML text into its root element; refuses DTDs and text that is not well-formed. */
export function parse(text: string, source: string): Element {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new Error(`${source}: DTDs are not accepted`);
  let problem: string | undefined;
  // Loaded on first use, so that a run without XML does not load the parser.
  const { DOMParser } = createRequire(import.meta.url)(
    "@xmldom/xmldom",
  ) as typeof import("@xmldom/xmldom");
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== "warning") problem ??= message;
    },
  }).parseFromString(text, "text/xml");
  if (problem || !doc.documentElement)
    throw new Error(`${source}: not well-formed XML: ${problem}`);
  return doc.documentElement;
}

/** The child elements of `el` in namespace `ns` (and with local name `local`, when given). */
export const children = (el: Element, ns: string, local?: string): Element[] => {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const c = n as Element;
    if (c.namespaceURI === ns && (local === undefined || c.localName === local)) out.push(c);
  }
  return out;
};
/** The first child element of `el` with this namespace and local name. */
export const child = (el: Element, ns: string, local: string) => children(el, ns, local)[0];

/** Resolves a QName attribute value (`prefix:local`) against `el`'s namespace declarations. */
export function qname(el: Element, value: string, source: string): XmlName {
  const colon = value.indexOf(":");
  const prefix = colon < 0 ? null : value.slice(0, colon);
  const local = colon < 0 ? value : value.slice(colon + 1);
  const ns = el.lookupNamespaceURI(prefix);
  if (prefix && !ns) throw new Error(`${source}: undeclared prefix in "${value}"`);
  return { ns: ns ?? null, local };
}

/** The map key of a qualified name: `{namespace}local`. */
export const key = (n: XmlName) => `{${n.ns ?? ""}}${n.local}`;
