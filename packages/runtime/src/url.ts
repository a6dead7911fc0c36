/**
 * URLs as messages show them, and the check of a configured service URL. Internal: the public
 * side is the behaviour of `TransportError` and `ConfigurationError`.
 *
 * A URL in a message keeps its scheme, host, port and path. It never keeps credentials (the
 * userinfo of `https://user:password@host/` is left out) nor query values, which may be tokens,
 * keys or one-time passwords: the parameter names stay, each value becomes `[redacted]`. The
 * fragment is left out too (it is never sent).
 */

const REDACTED = "[redacted]";
/** A URL's scheme and `://` at the start of a text; group 1 is the scheme. */
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** `url` without userinfo, query values or fragment; see the module comment. */
export function safeUrl(url: string | URL): string {
  const parsed = typeof url === "string" ? parseUrl(url) : url;
  if (!parsed) return safeUrlText(String(url));
  // `origin` is "null" for schemes other than http(s), ws(s), ftp and blob; build it by hand.
  const slashes = parsed.href.startsWith(`${parsed.protocol}//`) ? "//" : "";
  let text = `${parsed.protocol}${slashes}${parsed.host}${parsed.pathname}`;
  if (parsed.search) {
    const names = parsed.search
      .slice(1)
      .split("&")
      .filter((pair) => pair !== "")
      .map((pair) => pair.replace(/=.*/, `=${REDACTED}`));
    text += `?${names.join("&")}`;
  }
  return text;
}

/** A text that is not a parsable URL, shown without anything that may be userinfo or a query. */
function safeUrlText(text: string): string {
  let rest = text.replace(/[?#][\s\S]*$/, "");
  const scheme = SCHEME.exec(rest)?.[0] ?? "";
  rest = rest.slice(scheme.length);
  // Whatever stands before an `@` of the authority may be `user:password`.
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf("@");
  if (at >= 0) rest = rest.slice(at + 1);
  return scheme + rest;
}

/** A free text (an error message) with every URL in it shown as {@link safeUrl} shows it. */
export function scrubUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]*/gi, (url) => safeUrl(url));
}

/**
 * Why `value` is not an absolute `http:` or `https:` URL, as a full message naming `option`, or
 * `undefined` when it is one. The value is shown without credentials and query values.
 */
export function httpUrlProblem(option: string, value: unknown): string | undefined {
  const expected = `${option} must be an absolute http:// or https:// URL, such as "https://api.example.com/v1"`;
  if (typeof value !== "string")
    return `${expected}; got ${value === null ? "null" : typeof value}`;
  const shown = JSON.stringify(safeUrlText(value).slice(0, 200));
  if (isHttp(parseUrl(value))) return undefined;
  // `localhost:9099` parses, as the scheme `localhost:`; `127.0.0.1:9099` and `/api` do not.
  const scheme = SCHEME.exec(value)?.[1];
  const why =
    scheme === undefined
      ? value === ""
        ? "it is empty"
        : "it has no http:// or https:// in front"
      : /^https?$/i.test(scheme)
        ? "it is not a valid URL"
        : `its scheme is ${scheme.toLowerCase()}:`;
  return `${expected}; got ${shown}: ${why}`;
}

/** `text` parsed as a URL, or `undefined` when it is not one. */
export function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Whether `url` is an `http:` or `https:` URL. */
export function isHttp(url: URL | undefined): url is URL {
  return url?.protocol === "http:" || url?.protocol === "https:";
}
