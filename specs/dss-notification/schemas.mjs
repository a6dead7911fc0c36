// The inline <xsd:schema> elements of a WSDL as standalone XML Schema documents, for validators
// that take schema files (libxml2's, here): each carries the namespace declarations it inherits
// from <wsdl:definitions>, and imports its sibling schemas by file name.
import { DOMParser } from "@xmldom/xmldom";

const WSDL_NS = "http://schemas.xmlsoap.org/wsdl/";
const XSD_NS = "http://www.w3.org/2001/XMLSchema";

/** The element children of `parent` with this namespace and local name. */
function elementsNamed(parent, ns, local) {
  return Array.from(parent.childNodes).filter(
    (n) => n.nodeType === 1 && n.namespaceURI === ns && n.localName === local,
  );
}

/**
 * Splits a WSDL's inline schemas into documents named `schema0.xsd`, `schema1.xsd`, …: the first
 * is the one to validate against, the others are preloaded.
 * @param {string} wsdlText
 * @returns {{ fileName: string; namespace: string; contents: string }[]}
 */
export function inlineSchemaDocuments(wsdlText) {
  const problems = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== "warning") problems.push(message);
    },
  }).parseFromString(wsdlText, "text/xml");
  const definitions = doc.documentElement;
  if (problems.length > 0 || !definitions) {
    throw new Error(`the WSDL is not well-formed XML: ${problems.join("; ")}`);
  }
  const types = elementsNamed(definitions, WSDL_NS, "types")[0];
  const schemas = types ? elementsNamed(types, XSD_NS, "schema") : [];
  const files = schemas.map((schema, index) => ({
    fileName: `schema${index}.xsd`,
    namespace: schema.getAttribute("targetNamespace") ?? "",
    schema,
  }));
  const inherited = Array.from(definitions.attributes).filter((a) => a.name.startsWith("xmlns:"));
  return files.map(({ fileName, namespace, schema }) => {
    const copy = schema.cloneNode(true);
    for (const a of inherited) {
      if (!copy.hasAttribute(a.name)) copy.setAttribute(a.name, a.value);
    }
    const imports = elementsNamed(copy, XSD_NS, "import");
    for (const imp of imports) {
      const target = files.find((f) => f.namespace === imp.getAttribute("namespace"));
      if (target) imp.setAttribute("schemaLocation", target.fileName);
    }
    // Any sibling's namespace may be referred to: import each one not imported yet.
    const imported = new Set(imports.map((imp) => imp.getAttribute("namespace")));
    for (const sibling of files) {
      if (sibling.namespace === namespace || imported.has(sibling.namespace)) continue;
      const imp = copy.ownerDocument.createElementNS(XSD_NS, "xs:import");
      imp.setAttribute("namespace", sibling.namespace);
      imp.setAttribute("schemaLocation", sibling.fileName);
      copy.insertBefore(imp, copy.firstChild);
    }
    return {
      fileName,
      namespace,
      contents: `<?xml version="1.0" encoding="UTF-8"?>\n${copy.toString()}`,
    };
  });
}
