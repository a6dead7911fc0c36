/**
 * The `Signer` every signing step of the СУЗ sign-in goes through: the detached signature of
 * the registration body (X-Signature), the signature of the ИС МДЛП code (SIGNED_CODE) and the
 * attached signature of the ГИС МТ challenge. Implementations: {@link SoftwareSigner} (keys in
 * memory: GOST R 34.10-2012, RSA, ECDSA) and {@link DssSigner} (keys held by CryptoPro DSS).
 */

import { fromBase64 as strictBase64 } from "@trustspec/runtime/core";

/** Per-call options of a {@link Signer}. */
export interface SignOptions {
  /** Aborts a remote signature. */
  signal?: AbortSignal;
}

/** Makes CMS (CAdES-BES) signatures over bytes, returned as base64 of the DER ContentInfo. */
export interface Signer {
  /** The signer's certificate, DER (the certificate inside every signature it makes). */
  certificate(options?: SignOptions): Promise<Uint8Array>;
  /** A detached SignedData: the content is not inside (the registration's X-Signature). */
  signDetached(content: Uint8Array, options?: SignOptions): Promise<string>;
  /** An attached SignedData: the content is inside (the ГИС МТ sign-in). */
  signAttached(content: Uint8Array, options?: SignOptions): Promise<string>;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a string, or the bytes themselves. */
export function toBytes(content: Uint8Array | string): Uint8Array {
  return typeof content === "string" ? encoder.encode(content) : content;
}

/** Standard Base64 of bytes, browser-safe (the runtime's). */
export { toBase64 } from "@trustspec/runtime/core";

/**
 * Bytes of strict base64 (whitespace allowed), or `undefined` when it is not base64 or holds no
 * bytes: the runtime's `fromBase64` reads empty text as no bytes, but no signature or certificate
 * is empty, so here empty text is refused as not base64.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  const bytes = strictBase64(text);
  return bytes && bytes.length > 0 ? bytes : undefined;
}
