// Base64 (RFC 4648 §4) for bytes and UTF-8 text, over the platform's btoa/atob, which browsers and
// Node 20 both have: no Buffer, so the root entry stays browser-safe.

const CHUNK = 0x8000;

/** Standard Base64 of `bytes`, with padding and no line breaks. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** Standard Base64 of the UTF-8 encoding of `text`. */
export function textToBase64(text: string): string {
  return toBase64(new TextEncoder().encode(text));
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The bytes of standard Base64 text, line breaks allowed (as some encoders wrap at 76 characters);
 * `undefined` when the text is not Base64 (another alphabet, bad padding, a length that is not a
 * multiple of four).
 */
export function fromBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, "");
  if (!BASE64.test(compact)) return undefined;
  const binary = atob(compact);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
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
