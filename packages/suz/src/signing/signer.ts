/**
 * The `Signer` every signing step of the СУЗ sign-in goes through: the detached signature of
 * the registration body (X-Signature), the signature of the ИС МДЛП code (SIGNED_CODE) and the
 * attached signature of the ГИС МТ challenge. Implementations: {@link SoftwareSigner} (keys in
 * memory: GOST R 34.10-2012, RSA, ECDSA) and {@link DssSigner} (keys held by CryptoPro DSS).
 */

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

/** Base64 of bytes (with the web platform's `btoa`, so it runs in browsers too). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: spreading a whole document into one call would exceed the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Bytes of strict base64 (whitespace allowed), or `undefined` when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, "");
  if (compact === "" || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return undefined;
  }
  try {
    return Uint8Array.from(atob(compact), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}
