import { type CmsVerifyResult, parseSignedData, verifyCms } from "@trustspec/cms";
import { gostEngine, keyLengthOfOid, streebogOfOid } from "@trustspec/cms/gost";
import { SigningError } from "./errors.js";
import { fromBase64 } from "./signer.js";

export type { CmsVerifyFailure, CmsVerifyResult } from "@trustspec/cms";

/** Options of {@link verifyCmsSignature}. */
export interface VerifySignatureOptions {
  /** The signed content of a detached signature (or the expected content of an attached one). */
  content?: Uint8Array;
  /** Trusted CA certificates (DER); without them any certificate inside the signature is accepted. */
  trusted?: Uint8Array[];
  /** When certificate validity is checked (with `trusted`); default now. */
  now?: Date;
}

function badSignature(error: unknown): SigningError {
  if (error instanceof SigningError) return error;
  const message = error instanceof Error ? error.message : "The signature cannot be read";
  return new SigningError("bad-signature", message, { cause: error });
}

function signatureBytes(signature: Uint8Array | string): Uint8Array {
  if (typeof signature !== "string") return signature;
  const bytes = fromBase64(signature);
  if (!bytes) throw new SigningError("bad-signature", "The signature is not base64");
  return bytes;
}

/** What a CMS signature is, before it is checked. */
export interface SignatureFacts {
  /** Whether the content is inside (attached) or not (detached). */
  attached: boolean;
  /** Whether a signer uses GOST R 34.10-2012 / Streebog. */
  gost: boolean;
  /** How many signers. */
  signers: number;
}

/**
 * Looks into a CMS SignedData (DER bytes or base64) without checking it.
 * @throws {SigningError} `bad-signature` when it is not base64 or not a SignedData.
 */
export function inspectCmsSignature(signature: Uint8Array | string): SignatureFacts {
  let signedData: ReturnType<typeof parseSignedData>;
  try {
    signedData = parseSignedData(signatureBytes(signature));
  } catch (error) {
    throw badSignature(error);
  }
  const gost = signedData.signerInfos.some(
    (s) =>
      streebogOfOid(s.digestAlgorithm.algorithmId) !== undefined ||
      keyLengthOfOid(s.signatureAlgorithm.algorithmId) !== undefined,
  );
  return {
    attached: signedData.encapContentInfo.eContent !== undefined,
    gost,
    signers: signedData.signerInfos.length,
  };
}

/**
 * Verifies a CMS SignedData (DER bytes or base64), detached or attached, with any of the
 * algorithms of this package (GOST R 34.10-2012 with Streebog, RSA, ECDSA): `verifyCms` of
 * @trustspec/cms, with its `gostEngine()` for GOST signatures. A signature that does not verify
 * is not an error: the result says `valid: false`, with `code` and `reason`.
 * @throws {SigningError} `bad-signature` when the input is not base64 or not a SignedData.
 */
export async function verifyCmsSignature(
  signature: Uint8Array | string,
  options: VerifySignatureOptions = {},
): Promise<CmsVerifyResult> {
  const bytes = signatureBytes(signature);
  const facts = inspectCmsSignature(bytes);
  try {
    return await verifyCms(bytes, facts.gost ? { ...options, engine: gostEngine() } : options);
  } catch (error) {
    throw badSignature(error);
  }
}
