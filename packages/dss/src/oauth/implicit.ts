import type { TokenResponse } from "../generated/sts/types.gen.js";
import { AuthorizationResponseError, OAuthRequestError } from "./errors.js";
import { redirectParameters } from "./redirect.js";

/** The fields of a form-post page and where its form posts them. */
export interface FormPostPage {
  /** The form's `action`, entities decoded; `undefined` when the form has none. */
  action: string | undefined;
  /** Each hidden input's `name` and `value`, entities decoded; the first of a repeated name wins. */
  fields: Record<string, string>;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

/** Decodes the character references an attribute value may hold (named, decimal, hex). */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code =
        ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isInteger(code) && code >= 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag's inside (after the tag name), names lower-cased. */
function attributesOf(tagBody: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of tagBody.matchAll(pattern)) {
    const name = m[1]!.toLowerCase();
    if (attributes.has(name)) continue;
    attributes.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ""));
  }
  return attributes;
}

/**
 * Reads a form-post page (OAuth 2.0 Form Post Response Mode, as IdentityServer3 sends the
 * implicit grant's answer; guide, lines 10673-10764): the hidden inputs of its form.
 *
 * A tolerant scan, not a full HTML parser: comments, scripts and styles are skipped, attributes
 * may come in any order, quoted either way or unquoted, in any case, with entities. When the page
 * has several forms, the first one holding hidden inputs is read.
 */
export function parseFormPostPage(html: string): FormPostPage {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style|template)\b[\s\S]*?<\/\1\s*>/gi, "");
  const forms = [...text.matchAll(/<form\b([^>]*)>([\s\S]*?)(?:<\/form\s*>|$)/gi)];
  const scopes =
    forms.length > 0
      ? forms.map((f) => ({ action: attributesOf(f[1]!).get("action"), body: f[2]! }))
      : [{ action: undefined, body: text }];
  for (const scope of scopes) {
    const fields: Record<string, string> = {};
    let found = false;
    for (const m of scope.body.matchAll(/<input\b([^>]*)>/gi)) {
      const attributes = attributesOf(m[1]!);
      // An input without a type is a text field (HTML): only hidden inputs carry the answer.
      const type = (attributes.get("type") ?? "text").toLowerCase();
      const name = attributes.get("name");
      if (type !== "hidden" || name === undefined || name === "") continue;
      found = true;
      if (!(name in fields)) fields[name] = attributes.get("value") ?? "";
    }
    if (found) return { action: scope.action, fields };
  }
  return { action: undefined, fields: {} };
}

/**
 * A token answer from its OAuth fields (form-post inputs or fragment parameters).
 *
 * @throws OAuthRequestError when the fields carry `error`.
 * @throws AuthorizationResponseError when `access_token` or a valid `expires_in` is missing.
 */
export function tokenResponseFromFields(
  fields: Readonly<Record<string, string | undefined>>,
  source = "implicit grant answer",
): TokenResponse {
  const accessToken = fields.access_token;
  if (fields.error !== undefined) {
    throw new OAuthRequestError({
      error: fields.error,
      errorDescription: fields.error_description,
      operationId: "authorize",
      secrets: [accessToken],
    });
  }
  if (accessToken === undefined || accessToken === "") {
    throw new AuthorizationResponseError(
      "missing_access_token",
      `${source}: no access_token field`,
    );
  }
  const expiresText = fields.expires_in?.trim() ?? "";
  if (!/^\d+$/.test(expiresText)) {
    throw new AuthorizationResponseError(
      "invalid_expires_in",
      `${source}: expires_in is ${expiresText === "" ? "missing" : "not a whole number of seconds"}`,
    );
  }
  const response: TokenResponse = { access_token: accessToken, expires_in: Number(expiresText) };
  const optional = [
    "token_type",
    "scope",
    "refresh_token",
    "id_token",
    "issued_token_type",
  ] as const;
  for (const name of optional) {
    const value = fields[name];
    if (value !== undefined) response[name] = value;
  }
  return response;
}

/**
 * Reads the implicit grant's answer page (the form the identity centre makes the browser post to
 * the redirect URI; guide, lines 10673-10764, example in specs/dss-sts/examples) into a token
 * answer: `access_token`, `expires_in`, and `token_type`/`scope` when present.
 *
 * @throws AuthorizationResponseError `not_a_form_post` when the page has no hidden fields,
 *   `missing_access_token` or `invalid_expires_in` when a field the grant needs is absent.
 * @throws OAuthRequestError when the page posts an `error` field instead.
 */
export function parseImplicitFormPost(html: string): TokenResponse {
  const page = parseFormPostPage(html);
  if (Object.keys(page.fields).length === 0) {
    throw new AuthorizationResponseError(
      "not_a_form_post",
      "implicit grant answer: the page has no form-post fields",
    );
  }
  return tokenResponseFromFields(page.fields);
}

/**
 * Reads an implicit grant answer delivered in the redirect URI's fragment (RFC 6749 §4.2.2),
 * `…#access_token=…&token_type=Bearer&expires_in=3600`, for servers that answer that way.
 *
 * @throws OAuthRequestError when the redirect carries `error`.
 * @throws AuthorizationResponseError when `access_token` or `expires_in` is missing.
 */
export function parseImplicitRedirect(redirect: string | URL): TokenResponse {
  return tokenResponseFromFields(
    Object.fromEntries(redirectParameters(redirect)),
    "implicit grant redirect",
  );
}
