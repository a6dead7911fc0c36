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
  /**
   * For a WSDL whose ports have different addresses (WCF's relative endpoint addresses under one
   * service, `…/Service.svc/cert` and `…/Service.svc/token`), where each address hole goes when
   * served: `under` the service's URL (the path after the service's: `/cert`, `/token`, `""`), or,
   * for an address elsewhere on the written host (an issuer's, in a security policy), `at` that
   * path on the request's host. Absent when every port has one address: each address is then
   * served as the request's URL.
   */
  places?: readonly (WsdlAddressPlace | undefined)[];
}

/** Where one address of a multi-port WSDL is served: see {@link WsdlTemplate.places}. */
export type WsdlAddressPlace = { under: string } | { at: string };

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
  const holes: { start: number; end: number; query?: string; port?: boolean }[] = [];
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
      holes.push({ start: valueStart, end: valueStart + attr[3]!.length, port: true });
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
  const ports: boolean[] = [];
  let from = 0;
  for (const hole of holes) {
    ports.push(hole.port === true);
    parts.push(wsdl.slice(from, hole.start));
    written.push(wsdl.slice(hole.start, hole.end));
    queries.push(hole.query);
    from = hole.end;
  }
  parts.push(wsdl.slice(from));
  const places = addressPlaces(written, queries, ports);
  return {
    parts,
    written,
    ...(queries.some((q) => q !== undefined) ? { queries } : {}),
    ...(places ? { places } : {}),
  };
}

/** The path of an absolute URL without its trailing slashes, or undefined. */
function pathOf(address: string): string | undefined {
  try {
    return new URL(address.trim()).pathname.replace(/\/+$/, "");
  } catch {
    return undefined;
  }
}

/**
 * When the ports (`soap:address`, `soap12:address`) have more than one address: the service's
 * path is the longest path (whole segments) they all share, and each address (a port's, or an
 * endpoint reference's) is placed under it, or, when outside it, at its own path. Undefined
 * otherwise.
 */
function addressPlaces(
  written: readonly string[],
  queries: readonly (string | undefined)[],
  ports: readonly boolean[],
): (WsdlAddressPlace | undefined)[] | undefined {
  const paths = written.map((w, i) => (queries[i] === undefined ? pathOf(w) : undefined));
  const portPaths = paths.filter((p, i): p is string => p !== undefined && ports[i] === true);
  if (new Set(portPaths).size < 2) return undefined;
  let shared = portPaths[0]!.split("/");
  for (const p of portPaths.slice(1)) {
    const segments = p.split("/");
    let n = 0;
    while (n < shared.length && n < segments.length && shared[n] === segments[n]) n++;
    shared = shared.slice(0, n);
  }
  const prefix = shared.join("/");
  return paths.map((p) => {
    if (p === undefined) return undefined;
    if (p === prefix || p.startsWith(`${prefix}/`)) return { under: p.slice(prefix.length) };
    return { at: p };
  });
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
  const quoted = (text: string) => escapeXml(text).replace(/'/g, "&apos;");
  const base = quoted(url);
  const { queries, places } = template;
  if (!queries && !places) return template.parts.join(base);
  // With ports at several addresses, the request came to the service or to one of its ports:
  // the service's URL is the request's without that port's path.
  let service = url.replace(/\/+$/, "");
  const under = [...new Set((places ?? []).map((p) => (p && "under" in p ? p.under : "")))]
    .filter((s) => s !== "")
    .sort((a, b) => b.length - a.length);
  const own = under.find((s) => service.toLowerCase().endsWith(s.toLowerCase()));
  if (own) service = service.slice(0, service.length - own.length);
  const origin = new URL(url).origin;
  const last = template.parts.length - 1;
  return template.parts
    .map((p, i) => {
      if (i === last) return p;
      if (queries?.[i] !== undefined) return p + base + queries[i];
      const place = places?.[i];
      if (place === undefined) return p + base;
      return p + quoted("under" in place ? service + place.under : origin + place.at);
    })
    .join("");
}
