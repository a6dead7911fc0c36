// Base64 (RFC 4648 §4) for bytes and UTF-8 text, over the runtime's browser-safe helpers (btoa/atob,
// no Buffer), so the root entry stays browser-safe.

import { fromBase64 as runtimeFromBase64, toBase64 } from "@trustspec/runtime/core";

export { toBase64 };

/** Standard Base64 of the UTF-8 encoding of `text`. */
export function textToBase64(text: string): string {
  return toBase64(new TextEncoder().encode(text));
}

// This package's fromBase64 has always allowed line breaks only: other whitespace (a space, a tab),
// which the runtime's fromBase64 skips, is still refused here, so its public contract stays as it was.
const NOT_LINE_BREAK_SPACE = /[^\S\r\n]/;

/**
 * The bytes of standard Base64 text, line breaks allowed (as some encoders wrap at 76 characters);
 * `undefined` when the text is not Base64 (another alphabet, bad padding, a length that is not a
 * multiple of four, whitespace other than line breaks).
 */
export function fromBase64(text: string): Uint8Array | undefined {
  return NOT_LINE_BREAK_SPACE.test(text) ? undefined : runtimeFromBase64(text);
}

/** Base64url without padding (RFC 4648 §5), for tokens in URLs. */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The bytes of unpadded Base64url text, or `undefined` when it is not that. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const standard = text.replace(/-/g, "+").replace(/_/g, "/");
  return fromBase64(standard + "=".repeat((4 - (standard.length % 4)) % 4));
}
