import { fromPem } from "@trustspec/cms";
import { type GostPrivateKey, importGostPrivateKey, keyLengthOfOid } from "@trustspec/cms/gost";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SigningError } from "./errors.js";

const OID_RSA = "1.2.840.113549.1.1.1";
const OID_EC = "1.2.840.10045.2.1";
const OID_P256 = "1.2.840.10045.3.1.7";

/**
 * A signing key from an unencrypted PKCS#8 PrivateKeyInfo (DER, or PEM text): GOST R
 * 34.10-2012 (as OpenSSL's GOST engine writes it) as a {@link GostPrivateKey}; RSA as a
 * WebCrypto RSASSA-PKCS1-v1_5 SHA-256 key; EC P-256 as an ECDSA key (both not extractable).
 * @throws {SigningError} `bad-key` when it is not PKCS#8, `unsupported-algorithm` for other keys.
 */
export async function importSigningKey(
  pkcs8: Uint8Array | string,
): Promise<GostPrivateKey | CryptoKey> {
  let der: Uint8Array;
  try {
    der = typeof pkcs8 === "string" ? fromPem(pkcs8) : pkcs8;
  } catch (cause) {
    throw new SigningError("bad-key", "The key is not PEM or base64 text", { cause });
  }
  let info: pkijs.PrivateKeyInfo;
  try {
    info = pkijs.PrivateKeyInfo.fromBER(der.slice().buffer);
  } catch (cause) {
    throw new SigningError("bad-key", "The key is not an unencrypted PKCS#8 PrivateKeyInfo", {
      cause,
    });
  }
  const oid = info.privateKeyAlgorithm.algorithmId;
  if (keyLengthOfOid(oid)) {
    try {
      return importGostPrivateKey(der, false).privateKey;
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const unsupported = /parameter set/.test(message);
      throw new SigningError(unsupported ? "unsupported-algorithm" : "bad-key", message, { cause });
    }
  }
  const buffer = der.slice().buffer;
  if (oid === OID_RSA) {
    return crypto.subtle.importKey(
      "pkcs8",
      buffer,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["sign"],
    );
  }
  const params = info.privateKeyAlgorithm.algorithmParams;
  if (
    oid === OID_EC &&
    params instanceof asn1js.ObjectIdentifier &&
    params.valueBlock.toString() === OID_P256
  ) {
    return crypto.subtle.importKey("pkcs8", buffer, { name: "ECDSA", namedCurve: "P-256" }, false, [
      "sign",
    ]);
  }
  throw new SigningError("unsupported-algorithm", `Unsupported private key algorithm: ${oid}`);
}
