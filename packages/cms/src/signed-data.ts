/**
 * CMS SignedData (RFC 5652 §5) in the CAdES-BES shape (ETSI EN 319 122-1): signed attributes
 * contentType, signingTime, messageDigest and signingCertificateV2; and its verification.
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import {
  attributeTime,
  CMS_OID,
  checkSigningCertificate,
  derSorted,
  signedAttribute,
  signedAttributeValue,
} from "./attributes.js";
import { bytesEqual, derFromInput, toArrayBuffer } from "./bytes.js";
import { encodeCertificate, parseCertificate } from "./certificates.js";
import { type CmsEngine, type CmsPrivateKey, webCryptoEngine } from "./engine.js";
import { CmsFormatError, CmsInputError } from "./errors.js";

/** A signer: its certificate (DER) and the private key of that certificate. */
export interface CmsSigner {
  /** The signer's certificate, DER. */
  certificate: Uint8Array;
  /**
   * The private key matching the certificate: RSASSA-PKCS1-v1_5 or ECDSA P-256 with the default
   * engine, or a key of the `engine` given (a GOST key with `gostEngine()`).
   */
  privateKey: CmsPrivateKey;
}

/** Options of {@link signCms}. */
export interface SignCmsOptions {
  /** Leave the content out of the SignedData (default `true`); `false` encapsulates it. */
  detached?: boolean;
  /** The signingTime attribute; default the current time. Whole seconds are kept. */
  signingTime?: Date;
  /** More certificates (DER) to include after the signer's, e.g. the CA chain. */
  certificates?: Uint8Array[];
  /** The crypto engine that signs with the key; default {@link webCryptoEngine} (RSA, ECDSA). */
  engine?: CmsEngine;
  /**
   * Check the new signature against the certificate before returning it (default `true`), so a
   * key that is not the certificate's fails. A caller that has matched the key and the
   * certificate once turns it off and saves a verification per signature.
   */
  checkKey?: boolean;
}

/** Options of {@link verifyCms}. */
export interface VerifyCmsOptions {
  /** The signed content, for a detached signature; must equal the content of an attached one. */
  content?: Uint8Array;
  /**
   * Trusted certificates (DER). When given, the signer's certificate must chain to one of them
   * through the certificates in the SignedData, each valid at `now`. Revocation is not checked.
   */
  trusted?: Uint8Array[];
  /** The moment certificate validity is checked at (with `trusted`); default the current time. */
  now?: Date;
  /**
   * The crypto engine that verifies; default {@link webCryptoEngine} (RSA, ECDSA). `gostEngine()`
   * of `@trustspec/cms/gost` verifies GOST R 34.10-2012 signatures as well as RSA and ECDSA ones.
   */
  engine?: CmsEngine;
}

/**
 * Why {@link verifyCms} found a signature not valid:
 * - `content-missing`: the signature is detached and no content was given;
 * - `content-mismatch`: content was given for a signature that carries different content;
 * - `no-signers`: the SignedData has no SignerInfo;
 * - `signer-certificate-missing`: the signer's certificate is not in the SignedData;
 * - `digest-mismatch`: the messageDigest attribute does not match the content;
 * - `content-type-mismatch`: the contentType attribute differs from the encapsulated type;
 * - `signature-invalid`: the signature value does not verify with the signer's key;
 * - `signing-certificate-mismatch`: the signingCertificate(V2) attribute names another
 *   certificate than the one found;
 * - `certificate-expired`: a certificate of the chain is not valid at `now`;
 * - `untrusted`: the signer's certificate does not chain to a trusted certificate;
 * - `unsupported`: an algorithm WebCrypto cannot check (GOST, say) or another verification error.
 */
export type CmsVerifyFailure =
  | "content-missing"
  | "content-mismatch"
  | "no-signers"
  | "signer-certificate-missing"
  | "digest-mismatch"
  | "content-type-mismatch"
  | "signature-invalid"
  | "signing-certificate-mismatch"
  | "certificate-expired"
  | "untrusted"
  | "unsupported";

/** What {@link verifyCms} found. */
export interface CmsVerifyResult {
  /** Whether every signer's signature verified (and, with `trusted`, chained to a trusted CA). */
  valid: boolean;
  /** Why the signature is not valid; absent when it is. */
  reason?: string;
  /** The kind of failure; absent when valid. */
  code?: CmsVerifyFailure;
  /** The (first) signer's certificate, DER, when it was found in the SignedData. */
  signerCertificate?: Uint8Array;
  /** The signed content: the encapsulated content, or the detached content that was given. */
  content?: Uint8Array;
  /** The (first) signer's signingTime attribute, when present. */
  signingTime?: Date;
}

/**
 * The SigningCertificateV2 value (RFC 5035 §3): one ESSCertIDv2 with the hash of the signer's
 * certificate and its issuer and serial number. The hash algorithm is written unless it is
 * SHA-256, the DEFAULT. pkijs has no class for ESSCertIDv2; IssuerSerial and GeneralNames are
 * pkijs's.
 */
function signingCertificateV2(
  certificate: pkijs.Certificate,
  hashAlgorithm: string,
  hash: Uint8Array,
): asn1js.Sequence {
  const issuerSerial = new pkijs.IssuerSerial({
    issuer: new pkijs.GeneralNames({
      names: [new pkijs.GeneralName({ type: 4, value: certificate.issuer })],
    }),
    serialNumber: certificate.serialNumber,
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [
      ...(hashAlgorithm === CMS_OID.sha256
        ? []
        : [new pkijs.AlgorithmIdentifier({ algorithmId: hashAlgorithm }).toSchema()]),
      new asn1js.OctetString({ valueHex: toArrayBuffer(hash) }),
      issuerSerial.toSchema(),
    ],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/**
 * Signs `content` into a CMS SignedData (CAdES-BES): signed attributes contentType (id-data),
 * signingTime, messageDigest and signingCertificateV2, DER-sorted as the SET OF requires; the
 * signer identified by issuer and serial number; the signer's certificate (and
 * `options.certificates`) included. The engine (`options.engine`, default RSA/ECDSA over
 * WebCrypto) says the digest and the algorithm identifiers for the key: SHA-256 with
 * RSASSA-PKCS1-v1_5 or ECDSA by default; Streebog with GOST R 34.10-2012 with `gostEngine()`.
 * Detached unless `detached: false`.
 * @returns the ContentInfo, DER.
 * @throws {CmsFormatError} when a certificate is not parseable.
 * @throws {CmsInputError} when the engine cannot sign with the key, or the key does not belong
 *   to the certificate (the new signature is checked against the certificate before it is
 *   returned, unless `checkKey: false`).
 */
export async function signCms(
  content: Uint8Array,
  signer: CmsSigner,
  options: SignCmsOptions = {},
): Promise<Uint8Array> {
  const engine = options.engine ?? webCryptoEngine();
  const crypto = engine.crypto;
  const certificateDer = derFromInput(signer.certificate);
  const certificate = parseCertificate(certificateDer);
  const algorithm = engine.signingAlgorithm(signer.privateKey);
  if (!algorithm) {
    throw new CmsInputError(`Unsupported signing key: ${signer.privateKey.algorithm.name}`);
  }
  const hash = { name: algorithm.hash };
  const digestOid = algorithm.digestAlgorithm ?? crypto.getOIDByAlgorithm(hash, true);
  const digest = new Uint8Array(await crypto.digest(hash, toArrayBuffer(content)));
  const certificateHash = new Uint8Array(await crypto.digest(hash, toArrayBuffer(certificateDer)));

  const attributes = derSorted([
    signedAttribute(CMS_OID.contentType, new asn1js.ObjectIdentifier({ value: CMS_OID.data })),
    signedAttribute(CMS_OID.signingTime, attributeTime(options.signingTime ?? new Date())),
    signedAttribute(
      CMS_OID.messageDigest,
      new asn1js.OctetString({ valueHex: toArrayBuffer(digest) }),
    ),
    signedAttribute(
      CMS_OID.signingCertificateV2,
      signingCertificateV2(certificate, digestOid, certificateHash),
    ),
  ]);

  const extra = (options.certificates ?? []).map(parseCertificate);
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: CMS_OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: certificate.issuer,
          serialNumber: certificate.serialNumber,
        }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    certificates: [certificate, ...extra],
  });
  if (options.detached === false) {
    // Set after construction: the constructor would split the OCTET STRING into a constructed,
    // BER-only form; a primitive one keeps the output DER.
    signedData.encapContentInfo.eContent = new asn1js.OctetString({
      valueHex: toArrayBuffer(content),
    });
  }
  // pkijs hands the key back to the engine, which knows it (a CryptoKey or the engine's own key).
  await signedData.sign(signer.privateKey as CryptoKey, 0, algorithm.hash, undefined, crypto);

  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo?.signedAttrs) throw new Error("pkijs produced no SignerInfo");
  if (algorithm.signatureAlgorithm) {
    // The signature does not cover the identifiers, so they can be written as the engine says.
    signerInfo.signatureAlgorithm = new pkijs.AlgorithmIdentifier({
      algorithmId: algorithm.signatureAlgorithm,
    });
  }
  if (algorithm.digestAlgorithm) {
    signedData.digestAlgorithms = [new pkijs.AlgorithmIdentifier({ algorithmId: digestOid })];
    signerInfo.digestAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: digestOid });
  }
  if (options.checkKey !== false) {
    const signedAttrs = new Uint8Array(signerInfo.signedAttrs.toSchema().toBER(false));
    signedAttrs[0] = 0x31; // The signature covers the attributes as a SET, not as [0].
    const matches = await crypto
      .verifyWithPublicKey(
        toArrayBuffer(signedAttrs),
        signerInfo.signature,
        certificate.subjectPublicKeyInfo,
        signerInfo.signatureAlgorithm,
        algorithm.hash,
      )
      .catch(() => false);
    if (!matches) throw new CmsInputError("The private key does not belong to the certificate");
  }

  const schema = signedData.toSchema(true);
  const encapsulated = schema.valueBlock.value[2];
  if (
    options.detached === false &&
    content.byteLength === 0 &&
    encapsulated instanceof asn1js.Sequence &&
    encapsulated.valueBlock.value.length === 1
  ) {
    // pkijs drops an empty eContent as if it were absent, which would make the signature look
    // detached; an attached empty content is written as [0] { OCTET STRING (0 bytes) }.
    encapsulated.valueBlock.value.push(
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.OctetString()],
      }),
    );
  }
  const contentInfo = new pkijs.ContentInfo({ contentType: CMS_OID.signedData, content: schema });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/**
 * The SignedData of a ContentInfo (DER, BER, or PEM/base64 text bytes).
 * @throws {CmsFormatError} when the bytes are not a CMS SignedData.
 */
export function parseSignedData(bytes: Uint8Array): pkijs.SignedData {
  let contentInfo: pkijs.ContentInfo;
  try {
    contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(derFromInput(bytes)));
  } catch (cause) {
    throw new CmsFormatError("The bytes are not a CMS ContentInfo", { cause });
  }
  if (contentInfo.contentType !== CMS_OID.signedData) {
    throw new CmsFormatError(`The CMS content is not SignedData: ${contentInfo.contentType}`);
  }
  try {
    return new pkijs.SignedData({ schema: contentInfo.content });
  } catch (cause) {
    throw new CmsFormatError("The CMS SignedData is malformed", { cause });
  }
}

function signingTimeOf(signerInfo: pkijs.SignerInfo): Date | undefined {
  const value = signedAttributeValue(signerInfo, CMS_OID.signingTime);
  if (value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime) {
    return value.toDate();
  }
  return undefined;
}

/** The certificate a SignerInfo names, by issuer and serial or by subject key identifier. */
async function findSignerCertificate(
  signedData: pkijs.SignedData,
  signerInfo: pkijs.SignerInfo,
  crypto: pkijs.CryptoEngine,
): Promise<pkijs.Certificate | undefined> {
  const certificates = (signedData.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  const sid: unknown = signerInfo.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certificates.find(
      (c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber),
    );
  }
  if (sid instanceof asn1js.Constructed || sid instanceof asn1js.Primitive) {
    // [0] SubjectKeyIdentifier, implicitly tagged (primitive) or as pkijs may keep it.
    const inner = sid instanceof asn1js.Constructed ? sid.valueBlock.value[0] : sid;
    const keyId =
      inner instanceof asn1js.BaseBlock && "valueHexView" in inner.valueBlock
        ? new Uint8Array((inner.valueBlock as { valueHexView: Uint8Array }).valueHexView)
        : undefined;
    if (!keyId) return undefined;
    for (const c of certificates) {
      const spkiHash = new Uint8Array(
        await crypto.digest(
          { name: "SHA-1" },
          toArrayBuffer(c.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
        ),
      );
      const ski = c.extensions?.find((e) => e.extnID === "2.5.29.14")?.parsedValue;
      const skiBytes =
        ski instanceof asn1js.OctetString ? new Uint8Array(ski.valueBlock.valueHexView) : undefined;
      if (bytesEqual(spkiHash, keyId) || (skiBytes && bytesEqual(skiBytes, keyId))) return c;
    }
  }
  return undefined;
}

/** The verdict on one signer, with its certificate when it was found. */
type SignerOutcome =
  | { ok: true; certificate: pkijs.Certificate }
  | { ok: false; code: CmsVerifyFailure; reason: string; certificate?: pkijs.Certificate };

/**
 * Verifies the signer at `index`: its certificate, contentType and messageDigest attributes, the
 * signature value, the ESS signing-certificate attribute and, with `options.trusted`, the chain.
 */
async function verifySigner(
  signedData: pkijs.SignedData,
  index: number,
  content: Uint8Array,
  options: VerifyCmsOptions,
): Promise<SignerOutcome> {
  const engine = (options.engine ?? webCryptoEngine()).crypto;
  const signerInfo = signedData.signerInfos[index];
  if (!signerInfo) return { ok: false, code: "no-signers", reason: "No SignerInfo" };
  const certificate = await findSignerCertificate(signedData, signerInfo, engine);
  if (!certificate) {
    return {
      ok: false,
      code: "signer-certificate-missing",
      reason: "The signer's certificate is not included in the SignedData",
    };
  }
  const fail = (code: CmsVerifyFailure, reason: string): SignerOutcome => ({
    ok: false,
    code,
    reason,
    certificate,
  });

  if (signerInfo.signedAttrs) {
    const contentType = signedAttributeValue(signerInfo, CMS_OID.contentType);
    if (
      contentType instanceof asn1js.ObjectIdentifier &&
      contentType.valueBlock.toString() !== signedData.encapContentInfo.eContentType
    ) {
      return fail(
        "content-type-mismatch",
        "The contentType attribute differs from the encapsulated content type",
      );
    }
  }

  let signatureVerified: boolean | null | undefined;
  try {
    const result = await signedData.verify(
      { signer: index, data: toArrayBuffer(content), extendedMode: true, checkChain: false },
      engine,
    );
    signatureVerified = result.signatureVerified;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/digest doesn't match/i.test(message)) {
      return fail("digest-mismatch", "The message digest does not match the content");
    }
    if (error instanceof pkijs.SignedDataVerifyError && error.code === 3) {
      return fail("signer-certificate-missing", message);
    }
    return fail("unsupported", `Verification failed: ${message}`);
  }
  if (!signatureVerified) {
    return fail("signature-invalid", "The signature value does not verify with the signer's key");
  }

  const essProblem = await checkSigningCertificate(
    signerInfo,
    encodeCertificate(certificate),
    engine,
  );
  if (essProblem) return fail("signing-certificate-mismatch", essProblem);

  if (options.trusted) {
    const trustedCerts = options.trusted.map(parseCertificate);
    const intermediates = (signedData.certificates ?? []).filter(
      (c): c is pkijs.Certificate =>
        c instanceof pkijs.Certificate &&
        c !== certificate &&
        pkijs.checkCA(c, certificate) !== null,
    );
    const chain = new pkijs.CertificateChainValidationEngine({
      trustedCerts,
      certs: [...intermediates, certificate],
      checkDate: options.now ?? new Date(),
    });
    const result = await chain
      .verify({ passedWhenNotRevValues: true }, engine)
      .catch((error: unknown) => ({
        result: false,
        resultCode: -1,
        resultMessage: error instanceof Error ? error.message : String(error),
      }));
    if (!result.result) {
      return result.resultCode === 8
        ? fail("certificate-expired", `A certificate of the chain is not valid at that time`)
        : fail(
            "untrusted",
            `The signer's certificate does not chain to a trusted certificate: ${result.resultMessage}`,
          );
    }
  }
  return { ok: true, certificate };
}

/**
 * Verifies a CMS SignedData, detached (give `content`) or attached: for every signer, finds its
 * certificate in the SignedData, checks the messageDigest and contentType attributes, the
 * signature value, and an ESS signingCertificate(V2) attribute if present; with `trusted`, also
 * that the signer's certificate chains to one of them and the chain is valid at `now` (no
 * revocation check). Without `trusted` the certificate's validity period is not checked.
 *
 * A signature that does not verify is not an error: the result is `valid: false` with a `code`
 * and a `reason`. With several signers, all must verify; the result names the first failure,
 * and `signerCertificate` and `signingTime` are the first signer's.
 * @throws {CmsFormatError} when the bytes are not a CMS SignedData at all (or a `trusted`
 *   certificate is not a certificate).
 */
export async function verifyCms(
  signature: Uint8Array,
  options: VerifyCmsOptions = {},
): Promise<CmsVerifyResult> {
  const signedData = parseSignedData(signature);
  const eContent = signedData.encapContentInfo.eContent;
  let content: Uint8Array | undefined;
  if (eContent) {
    if (!(eContent instanceof asn1js.OctetString)) {
      throw new CmsFormatError("The encapsulated content is not an OCTET STRING");
    }
    content = new Uint8Array(eContent.getValue());
    if (options.content && !bytesEqual(options.content, content)) {
      return {
        valid: false,
        code: "content-mismatch",
        reason: "The given content differs from the content inside the signature",
        content,
      };
    }
  } else {
    content = options.content;
  }
  if (!content) {
    return {
      valid: false,
      code: "content-missing",
      reason: "The signature is detached and no content was given",
    };
  }
  if (!eContent && content.byteLength === 0) {
    // pkijs takes empty detached data for missing data; as encapsulated content it is checked.
    signedData.encapContentInfo.eContent = new asn1js.OctetString();
  }
  if (signedData.signerInfos.length === 0) {
    return { valid: false, code: "no-signers", reason: "The SignedData has no signers", content };
  }

  const firstSigner = signedData.signerInfos[0];
  const signingTime = firstSigner ? signingTimeOf(firstSigner) : undefined;
  const facts: Pick<CmsVerifyResult, "signerCertificate" | "signingTime"> = signingTime
    ? { signingTime }
    : {};
  for (let i = 0; i < signedData.signerInfos.length; i++) {
    const outcome = await verifySigner(signedData, i, content, options);
    if (i === 0 && outcome.certificate) {
      facts.signerCertificate = encodeCertificate(outcome.certificate);
    }
    if (!outcome.ok) {
      const prefix = signedData.signerInfos.length > 1 ? `Signer ${i + 1}: ` : "";
      return {
        valid: false,
        code: outcome.code,
        reason: prefix + outcome.reason,
        content,
        ...facts,
      };
    }
  }
  return { valid: true, content, ...facts };
}
