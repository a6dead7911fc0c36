// The application's backpost endpoint: what DSS posts there after each form (guide «КриптоПро
// DSS. Руководство разработчика», ЖТЯИ.00096-02 97 01, §1.2, §1.4, §1.6, §1.7, §1.8-1.10), parsed
// into typed outcomes, behind the session token of token.ts.

import { type CompiledSchema, compiledIssues } from "@trustspec/runtime/core";
import { fromBase64 } from "./base64.js";
import { BackpostRefusedError } from "./errors.js";
import { type DssFormKind, escapeHtml } from "./forms.js";
import {
  validateBackpostCertRequest,
  validateBackpostError,
  validateBackpostFile,
  validateBackpostPackage,
} from "./generated/validators.gen.js";
import { withoutControlCharacters } from "./text.js";
import {
  type BackpostSecret,
  type BackpostTokenClaims,
  DEFAULT_TOKEN_PARAMETER,
  verifyBackpostToken,
} from "./token.js";

/** A file DSS returned: the name it gives and the bytes. */
export interface ReturnedFile {
  /** `filename` as DSS sent it. Do not use it as a path: see `safeName`. */
  name: string;
  /**
   * The name reduced to its last path segment without control characters, `..` or leading dots
   * (`document` when nothing is left): safe to use as a file name. The guide's PHP sample writes
   * `'./signedfiles/' . $filename` (line 897), which a name with `../` escapes.
   */
  safeName: string;
  /** The decoded `filecontent`. */
  content: Uint8Array;
}

/** The result of checking a returned CMS signature (see `BackpostHandlerOptions.verify`). */
export interface BackpostVerification {
  /** Whether the signature verified. */
  valid: boolean;
  /** Why not, when it did not. */
  reason?: string;
  /** The signer's certificate (DER), when found. */
  signerCertificate?: Uint8Array;
}

/** One document of a signed package (§1.4): signed, or not with DSS's error. */
export interface PackageDocument {
  /** The document's place in the package, from 0, as in the form. */
  index: number;
  /** The signed document (`result<n>`), when it was signed. */
  signed?: Uint8Array;
  /** DSS's error for the document (`error<n>`), when it was not. */
  error?: string;
  /** The check of the signature, when the receiver verifies. */
  verification?: BackpostVerification;
}

/**
 * What a post to backpost (or the return after a certificate installation) means, by the form it
 * answers (`kind`) and its `result`.
 */
export type BackpostOutcome =
  | {
      kind: "signFile";
      result: "signed";
      file: ReturnedFile;
      /** The check of the signature, when the receiver verifies. */
      verification?: BackpostVerification;
    }
  | {
      kind: "signFiles";
      result: "signed";
      /** Every document of the package, in order. */
      documents: PackageDocument[];
      /** Whether every document was signed. */
      complete: boolean;
    }
  | {
      kind: "certificateRequest";
      result: "request";
      /** The PKCS#10 certificate request, DER. */
      request: Uint8Array;
    }
  | {
      kind: "installCertificate";
      /** `installed` with `result=ok` in the query; `not-installed` without it. */
      result: "installed" | "not-installed";
    }
  | { kind: "encryptFile"; result: "encrypted"; file: ReturnedFile }
  | { kind: "decryptFile"; result: "decrypted"; file: ReturnedFile }
  | {
      kind: DssFormKind;
      result: "error";
      /** DSS's message (§1.10). */
      message: string;
    };

/** The most documents a package result may name, unless told otherwise. */
export const DEFAULT_MAX_PACKAGE_DOCUMENTS = 1000;

/** Options of {@link parseBackpost}. */
export interface ParseBackpostOptions {
  /** The most documents a package result may name; default {@link DEFAULT_MAX_PACKAGE_DOCUMENTS}. */
  maxDocuments?: number;
}

const malformed = (message: string) => new BackpostRefusedError("malformed", message);

/** The fields of a form post, refused when a name repeats. */
function fieldMap(fields: Iterable<readonly [string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of fields) {
    if (map.has(name)) throw malformed(`The field ${JSON.stringify(name)} is posted twice`);
    map.set(name, value);
  }
  return map;
}

function decode(name: string, value: string, allowEmpty = false): Uint8Array {
  const bytes = fromBase64(value);
  if (!bytes) throw malformed(`${name} is not Base64`);
  if (bytes.length === 0 && !allowEmpty) throw malformed(`${name} is empty`);
  return bytes;
}

/**
 * The posts DSS sends to backpost, by the spec's schema name: validators compiled when the code
 * was generated (the manifest names these schemas, which no generated descriptor uses).
 */
const POSTS = {
  BackpostFile: validateBackpostFile,
  BackpostError: validateBackpostError,
  BackpostCertRequest: validateBackpostCertRequest,
} satisfies Record<string, CompiledSchema>;

function exactly(
  map: Map<string, string>,
  names: readonly string[],
  schema: keyof typeof POSTS,
): void {
  const missing = names.filter((n) => !map.has(n));
  const unknown = [...map.keys()].filter((n) => !names.includes(n));
  if (missing.length > 0 || unknown.length > 0) {
    throw malformed(
      `The post must carry ${names.join(" and ")}${missing.length ? `; missing ${missing.join(", ")}` : ""}${unknown.length ? `; unexpected ${unknown.map((u) => JSON.stringify(u.slice(0, 40))).join(", ")}` : ""}`,
    );
  }
  const issues = compiledIssues(POSTS[schema], Object.fromEntries(map));
  if (issues.length > 0) {
    throw malformed(
      `The post does not match ${schema}: ${issues[0]!.path || "/"} ${issues[0]!.message}`,
    );
  }
}

/** The last path segment of `name`, without control characters or leading dots. */
export function safeFileName(name: string): string {
  const segment = withoutControlCharacters(name).split(/[\\/]/).pop() ?? "";
  const trimmed = segment.replace(/^[.\s]+/, "").trim();
  return trimmed === "" ? "document" : trimmed;
}

function file(map: Map<string, string>, allowEmpty: boolean): ReturnedFile {
  exactly(map, ["filename", "filecontent"], "BackpostFile");
  const name = map.get("filename")!;
  return {
    name,
    safeName: safeFileName(name),
    content: decode("filecontent", map.get("filecontent")!, allowEmpty),
  };
}

const PACKAGE_FIELD = /^(result|error)(0|[1-9][0-9]{0,8})$/;

function packageDocuments(map: Map<string, string>, max: number): PackageDocument[] {
  const issues = compiledIssues(validateBackpostPackage, Object.fromEntries(map));
  const slots = new Map<number, { result?: string; error?: string }>();
  for (const [name, value] of map) {
    const m = PACKAGE_FIELD.exec(name);
    if (!m || issues.length > 0) {
      throw malformed(`Unexpected field ${JSON.stringify(name.slice(0, 40))} in a package result`);
    }
    const index = Number(m[2]);
    if (index >= max) throw malformed(`A package result may name at most ${max} documents`);
    const slot = slots.get(index) ?? {};
    slot[m[1] as "result" | "error"] = value;
    slots.set(index, slot);
  }
  if (slots.size === 0) throw malformed("A package result names no document");
  const documents: PackageDocument[] = [];
  for (let index = 0; index < slots.size; index++) {
    const slot = slots.get(index);
    if (!slot) throw malformed(`The package result has no field for document ${index}`);
    const result = slot.result ?? "";
    const error = slot.error ?? "";
    if (result !== "" && error !== "") {
      throw malformed(`Document ${index} has both a result and an error`);
    }
    if (result !== "") documents.push({ index, signed: decode(`result${index}`, result) });
    else
      documents.push({
        index,
        error: error === "" ? "DSS returned neither a result nor an error" : error,
      });
  }
  return documents;
}

/**
 * Parses what DSS posted to backpost as the result of a form of `kind`: the post's fields (and,
 * for a certificate installation, the query of the redirect). A post carrying only `error` is the
 * §1.10 error outcome whatever the kind.
 * @throws {BackpostRefusedError} `malformed` for fields that are missing, unexpected or repeated,
 *   for Base64 that is broken, and for a package result with a gap in its numbering.
 */
export function parseBackpost(
  kind: DssFormKind,
  fields: Iterable<readonly [string, string]>,
  query?: URLSearchParams,
  options: ParseBackpostOptions = {},
): BackpostOutcome {
  const map = fieldMap(fields);
  if (map.size === 1 && map.has("error")) {
    exactly(map, ["error"], "BackpostError");
    return { kind, result: "error", message: map.get("error")! };
  }
  switch (kind) {
    case "signFile":
      return { kind, result: "signed", file: file(map, false) };
    case "encryptFile":
      return { kind, result: "encrypted", file: file(map, false) };
    case "decryptFile":
      return { kind, result: "decrypted", file: file(map, true) };
    case "certificateRequest": {
      exactly(map, ["reqcontent"], "BackpostCertRequest");
      const request = decode("reqcontent", map.get("reqcontent")!);
      if (request[0] !== 0x30) throw malformed("reqcontent is not a DER certificate request");
      return { kind, result: "request", request };
    }
    case "signFiles": {
      const documents = packageDocuments(
        map,
        options.maxDocuments ?? DEFAULT_MAX_PACKAGE_DOCUMENTS,
      );
      return { kind, result: "signed", documents, complete: documents.every((d) => d.signed) };
    }
    case "installCertificate": {
      if (map.size > 0) throw malformed("A certificate installation returns no fields but error");
      return { kind, result: query?.get("result") === "ok" ? "installed" : "not-installed" };
    }
  }
}

/**
 * Whose post is being handled: the claims of its valid token and the session it belongs to, so
 * that an application can find the form it sent (e.g. by `claims.nonce`) and the document in it.
 */
export interface BackpostContext {
  /** What the post's token says. */
  claims: BackpostTokenClaims;
  /** The session the token was checked against. */
  sessionId: string;
}

/**
 * Checks a returned signature; `context` says which form and which document it belongs to, and
 * (from the handler) whose post it is.
 */
export type BackpostVerifier = (
  signature: Uint8Array,
  context: { kind: DssFormKind; index?: number; fileName?: string } & Partial<BackpostContext>,
) => Promise<BackpostVerification>;

/** The default limit of a backpost body: 64 MiB. */
export const DEFAULT_MAX_BACKPOST_BYTES = 64 * 1024 * 1024;

/** Options of {@link createBackpostHandler}. */
export interface BackpostHandlerOptions {
  /** The secret the backpost tokens were made with. */
  secret: BackpostSecret;
  /**
   * The session id of a request, as the application keeps it (from a cookie, say), or undefined
   * when there is none. A browser sends a `SameSite=Lax` cookie on the GET that follows a
   * certificate installation but not on DSS's cross-site POST: give the session cookie
   * `SameSite=None; Secure`, or look the session up by `claims.nonce` in a store of pending forms.
   */
  sessionId: (
    request: Request,
    claims: { nonce: string },
  ) => string | undefined | Promise<string | undefined>;
  /**
   * What to do with an outcome; the Response is what the user's browser shows. `context` holds
   * the token's claims and the session id.
   */
  onOutcome: (
    outcome: BackpostOutcome,
    request: Request,
    context: BackpostContext,
  ) => Response | Promise<Response>;
  /** The answer to a refused post; default a short HTML page with the refusal's status. */
  onRefused?: (error: BackpostRefusedError, request: Request) => Response | Promise<Response>;
  /**
   * Called once per valid token with its claims; return false to refuse a token seen before
   * (single use). Default: a token may be used until it expires.
   */
  consumeToken?: (claims: BackpostTokenClaims) => boolean | Promise<boolean>;
  /**
   * Checks each signed document (signFile, signFiles) — `cmsVerifier()` of
   * `@trustspec/dss-frontend/verify` for CMS and CAdES signatures. Default: no check.
   */
  verify?: BackpostVerifier;
  /** Refuse a post whose signature does not verify (`signature-invalid`); default true with `verify`. */
  refuseInvalidSignatures?: boolean;
  /** The largest body accepted, in bytes; default {@link DEFAULT_MAX_BACKPOST_BYTES}. */
  maxBodyBytes?: number;
  /** The most documents a package result may name; default {@link DEFAULT_MAX_PACKAGE_DOCUMENTS}. */
  maxDocuments?: number;
  /** The query parameter of the token; default {@link DEFAULT_TOKEN_PARAMETER}. */
  tokenParameter?: string;
  /** The current time in milliseconds; default `Date.now()`. */
  now?: () => number;
}

/**
 * The body of a request as text, refused once it passes `limit` bytes (by Content-Length, or
 * while reading).
 * @throws {BackpostRefusedError} `too-large`.
 */
export async function readLimitedText(request: Request, limit: number): Promise<string> {
  const tooLarge = () =>
    new BackpostRefusedError("too-large", `The post is larger than ${limit} bytes`);
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(all);
}

/**
 * The token and the query of a backpost URL. DSS adds `result=ok` to the backpost of a
 * certificate installation; should it append `?result=ok` to a URL that already has a query, the
 * token's value ends with it, and it is split off here.
 */
function tokenAndQuery(url: URL, parameter: string): { token?: string; query: URLSearchParams } {
  const query = new URLSearchParams(url.search);
  let token = query.get(parameter) ?? undefined;
  const at = token?.indexOf("?") ?? -1;
  if (token !== undefined && at >= 0) {
    for (const [k, v] of new URLSearchParams(token.slice(at + 1))) query.append(k, v);
    token = token.slice(0, at);
  }
  return { token, query };
}

function refusalPage(error: BackpostRefusedError): Response {
  const body = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Запрос отклонён</title></head>
<body><h1>Запрос отклонён</h1><p>${escapeHtml(error.message)}</p></body></html>
`;
  return new Response(body, {
    status: error.status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

async function verifyOutcome(
  outcome: BackpostOutcome,
  verify: BackpostVerifier,
  refuse: boolean,
  post: BackpostContext,
): Promise<void> {
  const check = async (signature: Uint8Array, context: Parameters<BackpostVerifier>[1]) => {
    const result = await verify(signature, { ...context, ...post });
    if (!result.valid && refuse) {
      throw new BackpostRefusedError(
        "signature-invalid",
        `The returned signature does not verify${context.index === undefined ? "" : ` (document ${context.index})`}: ${result.reason ?? "invalid"}`,
      );
    }
    return result;
  };
  if (outcome.kind === "signFile" && outcome.result === "signed") {
    outcome.verification = await check(outcome.file.content, {
      kind: "signFile",
      fileName: outcome.file.name,
    });
  } else if (outcome.kind === "signFiles" && outcome.result === "signed") {
    for (const d of outcome.documents) {
      if (d.signed) d.verification = await check(d.signed, { kind: "signFiles", index: d.index });
    }
  }
}

/**
 * A backpost endpoint as a `(Request) => Promise<Response>` handler, for any framework with Fetch
 * API requests (and, through `@trustspec/dss-frontend/node`, `node:http`). In order: the token in
 * the URL must be valid for the request's session (before the body is read), the method a POST
 * (or the GET that returns from a certificate installation), the body form-urlencoded and within
 * `maxBodyBytes`; the fields are parsed as the result of the token's form, the signatures checked
 * when asked, and the outcome handed to `onOutcome`. Anything else gets `onRefused` (default: an
 * HTML page with the status of the refusal); nothing reaches `onOutcome`.
 */
export function createBackpostHandler(
  options: BackpostHandlerOptions,
): (request: Request) => Promise<Response> {
  const parameter = options.tokenParameter ?? DEFAULT_TOKEN_PARAMETER;
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BACKPOST_BYTES;
  return async (request) => {
    try {
      const { token, query } = tokenAndQuery(new URL(request.url), parameter);
      if (!token) {
        throw new BackpostRefusedError(
          "token-missing",
          "The backpost URL carries no session token",
        );
      }
      const nonce = token.split(".")[3] ?? "";
      const sessionId = await options.sessionId(request, { nonce });
      if (!sessionId) {
        throw new BackpostRefusedError("session-missing", "There is no session for this post");
      }
      const verifyOptions = {
        secret: options.secret,
        sessionId,
        ...(options.now ? { now: options.now } : {}),
      };
      const claims = await verifyBackpostToken(token, verifyOptions);
      const method = request.method.toUpperCase();
      const isReturn = method === "GET" && claims.kind === "installCertificate";
      if (method !== "POST" && !isReturn) {
        throw new BackpostRefusedError("method", `${method} is not how DSS returns a result`);
      }
      if (options.consumeToken && !(await options.consumeToken(claims))) {
        throw new BackpostRefusedError("token-invalid", "The backpost token has been used");
      }
      let fields: [string, string][] = [];
      if (!isReturn) {
        const type = (request.headers.get("content-type") ?? "").toLowerCase();
        if (!type.startsWith("application/x-www-form-urlencoded")) {
          throw new BackpostRefusedError(
            "media-type",
            "The post is not application/x-www-form-urlencoded",
          );
        }
        fields = [...new URLSearchParams(await readLimitedText(request, limit))];
      }
      const outcome = parseBackpost(claims.kind, fields, query, {
        ...(options.maxDocuments ? { maxDocuments: options.maxDocuments } : {}),
      });
      const post: BackpostContext = { claims, sessionId };
      if (options.verify) {
        await verifyOutcome(outcome, options.verify, options.refuseInvalidSignatures ?? true, post);
      }
      return await options.onOutcome(outcome, request, post);
    } catch (error) {
      if (!(error instanceof BackpostRefusedError)) throw error;
      return options.onRefused ? options.onRefused(error, request) : refusalPage(error);
    }
  };
}
