import type { RawRequest } from "../server/router.js";
import { escapeXml } from "../xml/codec.js";

/**
 * The WSDL an endpoint serves at `?wsdl`, with the addresses of its ports rewritten to the URL
 * the WSDL was fetched from, as WCF does: a WSDL written for a design-time host (the vendor's
 * names `http://localhost:8733/Design_Time_Addresses/…`) would send a client that follows it
 * elsewhere.
 */

const ADDRESS_NAMESPACES = new Set([
  "http://schemas.xmlsoap.org/wsdl/soap/",
  "http://schemas.xmlsoap.org/wsdl/soap12/",
]);
const EPR_NAMESPACES = new Set([
  "http://www.w3.org/2005/08/addressing",
  "http://schemas.xmlsoap.org/ws/2004/08/addressing",
]);

/** The WSDL's text cut around each port address: addresses go between the parts. */
export interface WsdlTemplate {
  parts: readonly string[];
  /** The addresses as written, served when the request names no usable host. */
  written: readonly string[];
  /**
   * For a hole that names a schema document served beside the WSDL (`?xsd=xsd0`): that query,
   * put after the request's URL; for a port address, nothing.
   */
  queries?: readonly (string | undefined)[];
}

/**
 * A `schemaLocation` of the form `?xsd=<name>`: a schema document the endpoint serves beside the
 * WSDL, as WCF names them (`?xsd=xsd0`, `?xsd=xsd1`, …).
 */
const SERVED_SCHEMA = /^\?xsd=[\w.-]+$/;

/**
 * Finds the port addresses of a WSDL: the `location` of `soap:address` and `soap12:address`, and
 * the text of a WS-Addressing endpoint reference's `Address`. Prefixes are read from the WSDL's
 * namespace declarations, so any prefix works; a WSDL without them is served unchanged. The
 * `schemaLocation` of an `import` or `include` that names a served schema (`?xsd=xsd0`) is a hole
 * too, in a WSDL and in a schema document alike: it is served as an absolute URL.
 */
export function wsdlTemplate(wsdl: string): WsdlTemplate {
  const prefixes = new Map<string, string>();
  for (const m of wsdl.matchAll(/\sxmlns:([\w.-]+)\s*=\s*(["'])(.*?)\2/g))
    prefixes.set(m[1]!, m[3]!);
  const holes: { start: number; end: number; query?: string }[] = [];
  const tags = /<(?:([\w.-]+):)?(address|Address|import|include)\b([^>]*)>/g;
  for (let m = tags.exec(wsdl); m; m = tags.exec(wsdl)) {
    const ns = prefixes.get(m[1] ?? "");
    const start = m.index;
    const attrsAt = start + m[0].length - m[3]!.length - 1;
    if (m[2] === "import" || m[2] === "include") {
      const attr = /(\sschemaLocation\s*=\s*)(["'])(.*?)\2/.exec(m[3]!);
      if (!attr || !SERVED_SCHEMA.test(attr[3]!)) continue;
      const valueStart = attrsAt + attr.index + attr[1]!.length + 1;
      holes.push({ start: valueStart, end: valueStart + attr[3]!.length, query: attr[3]! });
    } else if (m[2] === "address" && ns && ADDRESS_NAMESPACES.has(ns)) {
      const attr = /(\slocation\s*=\s*)(["'])(.*?)\2/.exec(m[3]!);
      if (!attr) continue;
      const valueStart = attrsAt + attr.index + attr[1]!.length + 1;
      holes.push({ start: valueStart, end: valueStart + attr[3]!.length });
    } else if (m[2] === "Address" && ns && EPR_NAMESPACES.has(ns) && !m[3]!.endsWith("/")) {
      const textStart = start + m[0].length;
      const end = wsdl.indexOf("<", textStart);
      if (end < 0) continue;
      holes.push({ start: textStart, end });
    }
  }
  const parts: string[] = [];
  const written: string[] = [];
  const queries: (string | undefined)[] = [];
  let from = 0;
  for (const hole of holes) {
    parts.push(wsdl.slice(from, hole.start));
    written.push(wsdl.slice(hole.start, hole.end));
    queries.push(hole.query);
    from = hole.end;
  }
  parts.push(wsdl.slice(from));
  return queries.some((q) => q !== undefined) ? { parts, written, queries } : { parts, written };
}

/** The URL a request was made to, without its query: scheme, `Host` header, path. */
export function requestBaseUrl(request: RawRequest): string | undefined {
  const host = request.headers.host;
  if (!host || !/^[\w.-]+(:\d+)?$|^\[[\da-fA-F:.]+\](:\d+)?$/.test(host)) return undefined;
  const q = request.url.indexOf("?");
  const path = q < 0 ? request.url : request.url.slice(0, q);
  return `${request.scheme ?? "http"}://${host}${path.startsWith("/") ? path : `/${path}`}`;
}

/**
 * The WSDL (or a schema document served beside it) with every port address set to the URL the
 * request came to, and every served schema's `schemaLocation` to that URL with its `?xsd=` query.
 */
export function servedWsdl(template: WsdlTemplate, request: RawRequest): string {
  const url = requestBaseUrl(request);
  if (url === undefined) {
    return template.parts.map((p, i) => p + (template.written[i] ?? "")).join("");
  }
  // A `location` may be quoted with apostrophes, and a path may hold one.
  const base = escapeXml(url).replace(/'/g, "&apos;");
  const { queries } = template;
  if (!queries) return template.parts.join(base);
  return template.parts
    .map((p, i) => (i < queries.length ? p + base + (queries[i] ?? "") : p))
    .join("");
}
