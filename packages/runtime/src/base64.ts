/**
 * Standard Base64 (RFC 4648 §4) for bytes, over the web platform's `btoa`/`atob`, which browsers
 * and Node 20 both have: no `Buffer`, no Node built-in, so every entry that uses it stays
 * browser-safe.
 */

// Bytes go to `String.fromCharCode` in slices: spreading a large array into one call would exceed
// the engine's argument limit.
const CHUNK = 0x8000;

// Whole four-character groups, the last one padded to four with one or two `=` as RFC 4648 §4 says.
const PADDED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard Base64 (RFC 4648 §4) of `bytes`, with padding and no line breaks. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/**
 * The bytes of standard Base64 (RFC 4648 §4) text, read strictly; `undefined` when it is not that.
 *
 * - Whitespace anywhere (spaces, tabs, line breaks: what `\s` matches) is ignored, as encoders
 *   that wrap lines and XML `xs:base64Binary` values have it.
 * - Anything else must be the standard alphabet (`A–Z a–z 0–9 + /`, not Base64url's `-` `_`) in
 *   whole groups of four, the last one padded with exactly the `=` it needs: unpadded text, a
 *   misplaced or surplus `=` and any other character are refused.
 * - The empty text (or whitespace only) is the empty byte array.
 * - Unused bits of the last group are not checked (`QR==` reads as `QQ==` does), as `atob` and
 *   Node's `Buffer` read them.
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  const compact = text.replace(/\s+/g, "");
  if (!PADDED.test(compact)) return undefined;
  const binary = atob(compact);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
