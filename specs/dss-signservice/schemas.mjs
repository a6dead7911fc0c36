// The Sign Service's schema set as standalone documents for validators that take schema files
// (libxml2's, here): the WSDL's inline schema, and the XSD files it reaches through
// xs:import/xs:include schemaLocation (SignServiceTypes.xsd, ../dss-common/*.xsd), each given a
// flat file name and every schemaLocation rewritten to it.
import { readFileSync } from "node:fs";
import { DOMParser } from "@xmldom/xmldom";

const WSDL_NS = "http://schemas.xmlsoap.org/wsdl/";
const XSD_NS = "http://www.w3.org/2001/XMLSchema";

/** The element children of `parent` with this namespace (and local name, when given). */
export function elementsNamed(parent, ns, local) {
  return Array.from(parent.childNodes).filter(
    (n) =>
      n.nodeType === 1 && n.namespaceURI === ns && (local === undefined || n.localName === local),
  );
}

/**
 * Parses XML text into a document; throws when it is not well-formed or declares a DTD.
 * @param {string} text
 * @param {string} name how the text is named in the error
 */
export function parseXml(text, name) {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new Error(`${name}: DTDs are not accepted`);
  const problems = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== "warning") problems.push(message);
    },
  }).parseFromString(text, "text/xml");
  if (problems.length > 0 || !doc.documentElement) {
    throw new Error(`${name}: not well-formed XML: ${problems.join("; ")}`);
  }
  return doc;
}

const flatName = (url) =>
  url.pathname
    .split("/")
    .slice(-2)
    .join("-")
    .replace(/[^A-Za-z0-9.-]/g, "_");

/**
 * The schema set of a WSDL: `main` (its inline schema, to validate against) and `preload` (every
 * schema document it reaches, by flat file name).
 * @param {URL} wsdlUrl
 * @returns {{ main: { fileName: string; contents: string }; preload: { fileName: string; contents: string }[] }}
 */
export function schemaSet(wsdlUrl) {
  const wsdl = parseXml(readFileSync(wsdlUrl, "utf8"), wsdlUrl.pathname);
  const definitions = wsdl.documentElement;
  const types = elementsNamed(definitions, WSDL_NS, "types")[0];
  const inline = types ? elementsNamed(types, XSD_NS, "schema") : [];
  if (inline.length !== 1) throw new Error(`${wsdlUrl.pathname}: one inline schema is expected`);
  const files = new Map();
  const rewrite = (schema, base) => {
    for (const ref of [
      ...elementsNamed(schema, XSD_NS, "import"),
      ...elementsNamed(schema, XSD_NS, "include"),
    ]) {
      const location = ref.getAttribute("schemaLocation");
      if (!location) continue;
      const url = new URL(location, base);
      ref.setAttribute("schemaLocation", visit(url));
    }
  };
  const visit = (url) => {
    const name = flatName(url);
    if (files.has(name)) return name;
    files.set(name, "");
    const doc = parseXml(readFileSync(url, "utf8"), url.pathname);
    rewrite(doc.documentElement, url);
    files.set(name, doc.toString());
    return name;
  };
  const copy = inline[0].cloneNode(true);
  for (const a of Array.from(definitions.attributes)) {
    if (a.name.startsWith("xmlns:") && !copy.hasAttribute(a.name))
      copy.setAttribute(a.name, a.value);
  }
  rewrite(copy, wsdlUrl);
  return {
    main: {
      fileName: "SignService-inline.xsd",
      contents: `<?xml version="1.0" encoding="UTF-8"?>\n${copy.toString()}`,
    },
    preload: [...files].map(([fileName, contents]) => ({ fileName, contents })),
  };
}

const ENV12 = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";
const firstElement = (el) =>
  el ? Array.from(el.childNodes).find((n) => n.nodeType === 1) : undefined;

/**
 * The parts of a SOAP 1.2 message an example check looks at: whether it is an envelope, its
 * WS-Addressing action, the body's element (`payload`), for a fault the detail's element
 * (`fault`), and `standalone(el)`: an element with the envelope's namespace declarations, as the
 * text of a document of its own (what a schema validator is given).
 * @param {string} text
 * @param {string} name how the text is named in errors
 */
export function readSoap12(text, name) {
  const envelope = parseXml(text, name).documentElement;
  const header = elementsNamed(envelope, ENV12, "Header")[0];
  const payload = firstElement(elementsNamed(envelope, ENV12, "Body")[0]);
  const isFault = payload?.namespaceURI === ENV12 && payload.localName === "Fault";
  return {
    isEnvelope: envelope.namespaceURI === ENV12 && envelope.localName === "Envelope",
    action: header && elementsNamed(header, WSA, "Action")[0]?.textContent,
    payload,
    fault: isFault ? firstElement(elementsNamed(payload, ENV12, "Detail")[0]) : undefined,
    isFault,
    standalone(el) {
      const copy = el.cloneNode(true);
      for (const a of Array.from(envelope.attributes)) {
        if (a.name.startsWith("xmlns:") && !copy.hasAttribute(a.name))
          copy.setAttribute(a.name, a.value);
      }
      return copy.toString();
    },
  };
}
