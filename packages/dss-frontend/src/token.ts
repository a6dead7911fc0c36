// Tying a post to backpost to the user's session. The guide gives the forms no state parameter
// (ЖТЯИ.00096-02 97 01, chapter 1), and DSS posts the result from the user's browser, so anyone
// who knows the backpost address could post a forged result to it. The application therefore puts
// a token of its own in the backpost URL: an HMAC-SHA-256, under a secret only the application
// knows, of the session id, the kind of form and an expiry (and a random nonce, so that every
// form gets its own token). The receiver recomputes it for the session of the request and
// compares in constant time.

import { ConfigurationError } from "@trustspec/runtime/core";
import { fromBase64Url, toBase64Url } from "./base64.js";
import { BackpostRefusedError } from "./errors.js";
import { DSS_FORM_KINDS, type DssFormKind } from "./forms.js";

/** The query parameter the token travels in, unless told otherwise. */
export const DEFAULT_TOKEN_PARAMETER = "dss_state";

/** How long a token is accepted, unless told otherwise: 15 minutes, in seconds. */
export const DEFAULT_TOKEN_TTL_SECONDS = 900;

/** The secret of the HMAC: at least 32 bytes (a string counts its UTF-8 bytes), or a CryptoKey. */
export type BackpostSecret = string | Uint8Array | CryptoKey;

/** Options of {@link createBackpostToken}. */
export interface CreateBackpostTokenOptions {
  /** The application's secret; the receiver needs the same. */
  secret: BackpostSecret;
  /** The user's session id (never put in the token itself, only into its MAC). */
  sessionId: string;
  /** The form the token goes with; the receiver parses the post as that form's result. */
  kind: DssFormKind;
  /** Seconds the token is accepted; default {@link DEFAULT_TOKEN_TTL_SECONDS}. */
  ttlSeconds?: number;
  /** The current time in milliseconds; default `Date.now()`. */
  now?: () => number;
}

/** Options of {@link verifyBackpostToken}. */
export interface VerifyBackpostTokenOptions {
  /** The application's secret, the one the token was made with. */
  secret: BackpostSecret;
  /** The session id of the request being checked. */
  sessionId: string;
  /** The current time in milliseconds; default `Date.now()`. */
  now?: () => number;
}

/** What a valid token says. */
export interface BackpostTokenClaims {
  /** The form the token was made for. */
  kind: DssFormKind;
  /** When the token stops being accepted. */
  expiresAt: Date;
  /** The token's random part, unique per token: a key for an application that allows one use. */
  nonce: string;
}

const VERSION = "v1";
const encoder = new TextEncoder();
const keys = new WeakMap<object, Promise<CryptoKey>>();
const stringKeys = new Map<string, Promise<CryptoKey>>();

function importKey(secret: BackpostSecret): Promise<CryptoKey> {
  if (typeof secret === "object" && !(secret instanceof Uint8Array)) return Promise.resolve(secret);
  const raw = typeof secret === "string" ? encoder.encode(secret) : secret;
  if (!(raw instanceof Uint8Array) || raw.length < 32) {
    throw new ConfigurationError("secret", "The backpost token secret must have at least 32 bytes");
  }
  const cached = typeof secret === "string" ? stringKeys.get(secret) : keys.get(secret);
  if (cached) return cached;
  const key = crypto.subtle.importKey(
    "raw",
    new Uint8Array(raw),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  if (typeof secret === "string") {
    if (stringKeys.size > 16) stringKeys.clear();
    stringKeys.set(secret, key);
  } else keys.set(secret, key);
  return key;
}

async function mac(
  secret: BackpostSecret,
  kind: string,
  expiry: string,
  nonce: string,
  sessionId: string,
): Promise<Uint8Array> {
  const data = encoder.encode(
    [`dss-backpost/${VERSION}`, kind, expiry, nonce, sessionId].join("\n"),
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", await importKey(secret), data));
}

/**
 * Whether two byte strings are equal, in time that depends only on their length (which is public:
 * a MAC is always 32 bytes), not on where they first differ.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * A token for one form of one session: `v1.<kind>.<expiry>.<nonce>.<mac>`, URL-safe. Put it in
 * the form's backpost URL with {@link backpostUrl}.
 * @throws {ConfigurationError} for a secret shorter than 32 bytes, an empty session id or a
 *   ttl that is not a positive number.
 */
export async function createBackpostToken(options: CreateBackpostTokenOptions): Promise<string> {
  if (typeof options.sessionId !== "string" || options.sessionId === "") {
    throw new ConfigurationError("sessionId", "A backpost token needs the session id");
  }
  if (!DSS_FORM_KINDS.includes(options.kind)) {
    throw new ConfigurationError("kind", "Unknown form kind");
  }
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!(ttl > 0) || !Number.isFinite(ttl)) {
    throw new ConfigurationError("ttlSeconds", "The token lifetime must be a positive number");
  }
  const now = (options.now ?? Date.now)();
  const expiry = Math.floor(now / 1000 + ttl).toString(36);
  const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  const tag = await mac(options.secret, options.kind, expiry, nonce, options.sessionId);
  return [VERSION, options.kind, expiry, nonce, toBase64Url(tag)].join(".");
}

/**
 * Checks a token against the session of the request: made with this secret for this session id,
 * not expired. Returns what it says.
 * @throws {BackpostRefusedError} `token-malformed`, `token-expired` or `token-invalid`.
 */
export async function verifyBackpostToken(
  token: string,
  options: VerifyBackpostTokenOptions,
): Promise<BackpostTokenClaims> {
  const parts = token.split(".");
  const [version, kind, expiry, nonce, tag] = parts;
  const tagBytes = tag === undefined ? undefined : fromBase64Url(tag);
  if (
    parts.length !== 5 ||
    version !== VERSION ||
    !DSS_FORM_KINDS.includes(kind as DssFormKind) ||
    !/^[0-9a-z]{1,12}$/.test(expiry!) ||
    !/^[A-Za-z0-9_-]{22}$/.test(nonce!) ||
    tagBytes?.length !== 32
  ) {
    throw new BackpostRefusedError(
      "token-malformed",
      "The backpost token is not one this application made",
    );
  }
  const expected = await mac(options.secret, kind!, expiry!, nonce!, options.sessionId);
  if (!constantTimeEqual(expected, tagBytes)) {
    throw new BackpostRefusedError(
      "token-invalid",
      "The backpost token was not made for this session",
    );
  }
  const expiresAt = new Date(Number.parseInt(expiry!, 36) * 1000);
  if ((options.now ?? Date.now)() >= expiresAt.getTime()) {
    throw new BackpostRefusedError("token-expired", "The backpost token has expired");
  }
  return { kind: kind as DssFormKind, expiresAt, nonce: nonce! };
}

/**
 * `base` with the token added as the query parameter `parameter` (default
 * {@link DEFAULT_TOKEN_PARAMETER}): the value for a form's `backpost`.
 */
export function backpostUrl(
  base: string | URL,
  token: string,
  parameter: string = DEFAULT_TOKEN_PARAMETER,
): string {
  const url = new URL(String(base));
  url.searchParams.set(parameter, token);
  return url.href;
}
