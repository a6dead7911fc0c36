/**
 * Byte helpers shared by the CMS module: hex, PEM and comparisons. They use only what browsers
 * and Node both have (base64 is the runtime's, over `btoa`/`atob`), so the module does not depend
 * on `Buffer`.
 */

import { fromBase64 as strictBase64, toBase64 } from "@trustspec/runtime/core";
import { CmsFormatError } from "./errors.js";

/** Hex of `bytes`, uppercase, two digits a byte, no separators. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out.toUpperCase();
}

/** Whether two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A copy of `bytes` in a fresh `ArrayBuffer` of exactly their length, as pkijs and asn1js want
 * (a `Uint8Array` may be a window onto a larger, shared buffer).
 */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/**
 * Bytes of a standard base64 text; whitespace is ignored and the final `=` padding may be left
 * out. The runtime's `fromBase64` requires the padding; PEM bodies and bare base64 that other
 * tools write are read here as leniently as `atob` reads them, so unpadded text (no `=` at all)
 * is padded first.
 * @throws {CmsFormatError} when the text is not base64.
 */
function fromBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, "");
  const padded = compact.includes("=")
    ? compact
    : compact.padEnd(Math.ceil(compact.length / 4) * 4, "=");
  const bytes = strictBase64(padded);
  if (!bytes) throw new CmsFormatError("The text is not base64");
  return bytes;
}

/** The PEM labels {@link toPem} writes. */
export type PemLabel = "CERTIFICATE" | "CMS" | "CERTIFICATE REQUEST";

/**
 * PEM text (RFC 7468) of DER bytes: `-----BEGIN <label>-----`, base64 in 64-character lines,
 * `-----END <label>-----` and a final newline.
 */
export function toPem(der: Uint8Array, label: PemLabel): string {
  const body = toBase64(der).replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/**
 * DER bytes of the first PEM block in `pem`, whatever its label (`CERTIFICATE`, `CMS`, `PKCS7`,
 * `CERTIFICATE REQUEST`, `NEW CERTIFICATE REQUEST`, ...). Text without PEM armour is read as bare
 * base64, which is how DSS and CryptoPro tools often pass certificates and signatures.
 * @throws {CmsFormatError} when there is no PEM block and the text is not base64 either, or the
 *   BEGIN and END labels differ.
 */
export function fromPem(pem: string): Uint8Array {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/.exec(pem);
  if (!match) {
    if (pem.includes("-----")) throw new CmsFormatError("Malformed PEM: no BEGIN/END pair");
    const bytes = fromBase64(pem);
    if (bytes.byteLength === 0) throw new CmsFormatError("Empty PEM/base64 text");
    return bytes;
  }
  const [, begin, body = "", end] = match;
  if (begin !== end) throw new CmsFormatError(`PEM labels differ: BEGIN ${begin}, END ${end}`);
  // RFC 1421 headers (Proc-Type, DEK-Info) are not supported: they mean encryption.
  if (body.includes(":")) throw new CmsFormatError("Encrypted or annotated PEM is not supported");
  const bytes = fromBase64(body);
  if (bytes.byteLength === 0) throw new CmsFormatError(`Empty PEM block ${begin}`);
  return bytes;
}

/**
 * DER bytes from input that may be DER already or PEM/base64 text encoded as bytes (ASCII).
 * DER always starts with a SEQUENCE tag (0x30), which no PEM or base64 text does.
 */
export function derFromInput(input: Uint8Array): Uint8Array {
  if (input.byteLength === 0 || input[0] === 0x30) return input;
  const text = new TextDecoder("latin1").decode(input);
  if (/^[\s\x21-\x7e]*$/.test(text)) {
    try {
      return fromPem(text);
    } catch {
      return input;
    }
  }
  return input;
}

/** Compares two byte strings as DER orders SET OF elements (X.690 §11.6). */
export function compareDer(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x - y;
  }
  return 0;
}
