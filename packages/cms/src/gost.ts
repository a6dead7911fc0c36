/**
 * GOST R 34.10-2012 (256 and 512 bits) with Streebog (GOST R 34.11-2012) for the CMS of
 * `@trustspec/cms`: the engine that plugs GOST into `signCms`, `verifyCms` and pkijs
 * ({@link gostEngine}), GOST key pairs and their X.509 and PKCS#8 encodings (RFC 9215), a GOST
 * test PKI, and the primitives (node-gost-crypto). Signatures have the shape CryptoPro and
 * OpenSSL's GOST engine write (RFC 4490, RFC 9215).
 *
 * ```ts
 * import { signCms, verifyCms } from "@trustspec/cms";
 * import { createGostTestCa, gostEngine } from "@trustspec/cms/gost";
 *
 * const ca = await createGostTestCa({ subject: "CN=Test GOST CA" });
 * const signature = await signCms(content, ca, { engine: gostEngine() });
 * const { valid } = await verifyCms(signature, { content, engine: gostEngine() });
 * ```
 * @module
 */

export {
  createGostTestCa,
  type GostCertificateOptions,
  type GostKeyAndCertificate,
  issueGostCertificate,
} from "./gost/certificates.js";
export { GostCryptoEngine, gostEngine } from "./gost/engine.js";
export {
  exportGostPrivateKey,
  type GostKeyAlgorithm,
  type GostKeyPair,
  GostPrivateKey,
  GostPublicKey,
  generateGostKeyPair,
  gostKeyMatches,
  gostPublicKey,
  importGostPrivateKey,
} from "./gost/keys.js";
export { type GostSignOptions, gostSign, gostVerify, streebog } from "./gost/library.js";
export {
  GOST_PARAM_SETS,
  type GostKeyLength,
  type GostParamSet,
  keyLengthOfOid,
  streebogOfOid,
} from "./gost/params.js";
