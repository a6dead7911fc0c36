/**
 * CMS SignedData with GOST R 34.10-2012 and Streebog in the CAdES-BES shape, and its
 * verification: the same structure as the RSA/ECDSA CMS of @trustspec/dss/cms (signed
 * attributes contentType, signingTime, messageDigest, signingCertificateV2; the signer by issuer
 * and serial number; its certificate included), with the GOST algorithms of RFC 4490/9215:
 * digestAlgorithm id-tc26-gost3411-12-256/512, signatureAlgorithm id-tc26-gost3410-12-256/512 (as
 * OpenSSL's GOST engine and CryptoPro write it), signature s || r, and an ESSCertIDv2 that names
 * its Streebog hash algorithm.
 */

import {
  attributeTime,
  bytesEqual,
  CMS_OID,
  type CmsVerifyFailure,
  type CmsVerifyResult,
  checkSigningCertificate,
  derSorted,
  signedAttribute,
  signedAttributeValue,
} from "@trustspec/dss/cms";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SigningError } from "../errors.js";
import { gostEngine } from "./engine.js";
import { type GostPrivateKey, gostPublicKey, readGostPublicKey } from "./keys.js";
import { streebog } from "./library.js";
import { oidsOf } from "./params.js";

/** A GOST signer: its certificate (DER) and private key. */
export interface GostCmsSigner {
  certificate: Uint8Array;
  privateKey: GostPrivateKey;
}

/** Options of {@link signGostCms}; as `SignCmsOptions` of @trustspec/dss/cms. */
export interface SignGostCmsOptions {
  /** Leave the content out (default `true`). */
  detached?: boolean;
  /** The signingTime attribute (default now). */
  signingTime?: Date;
  /** More certificates (DER) to include, e.g. the CA. */
  certificates?: Uint8Array[];
  /**
   * Check the new signature against the certificate before returning it (default `true`): a key
   * that is not the certificate's fails with `key-mismatch`. It costs one verification; a caller
   * that has matched the key and the certificate once (as SoftwareSigner does) turns it off.
   */
  checkKey?: boolean;
}

/** Options of {@link verifyCmsWithEngine}; as `VerifyCmsOptions` of @trustspec/dss/cms. */
export interface VerifyGostCmsOptions {
  content?: Uint8Array;
  trusted?: Uint8Array[];
  now?: Date;
}

const ab = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

/** @throws {SigningError} `bad-certificate` when the bytes are not a certificate. */
export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(ab(der));
  } catch (cause) {
    throw new SigningError("bad-certificate", "The bytes are not an X.509 certificate", { cause });
  }
}

/** @throws {SigningError} `bad-signature` when the bytes are not a CMS SignedData. */
export function parseSignedData(bytes: Uint8Array): pkijs.SignedData {
  let info: pkijs.ContentInfo;
  try {
    info = pkijs.ContentInfo.fromBER(ab(bytes));
  } catch (cause) {
    throw new SigningError("bad-signature", "The bytes are not a CMS ContentInfo", { cause });
  }
  if (info.contentType !== CMS_OID.signedData) {
    throw new SigningError(
      "bad-signature",
      `The CMS content is not SignedData: ${info.contentType}`,
    );
  }
  try {
    return new pkijs.SignedData({ schema: info.content });
  } catch (cause) {
    throw new SigningError("bad-signature", "The CMS SignedData is malformed", { cause });
  }
}

/**
 * Whether a GOST private key is the one of a certificate: its public key equals the
 * certificate's. One scalar multiplication.
 * @throws {SigningError} `bad-certificate` when the certificate cannot be parsed.
 */
export function gostKeyMatches(privateKey: GostPrivateKey, certificate: Uint8Array): boolean {
  const key = readGostPublicKey(parseCertificate(certificate).subjectPublicKeyInfo);
  if (!key || key.algorithm.length !== privateKey.algorithm.length) return false;
  const own = gostPublicKey(privateKey).raw;
  return own.byteLength === key.raw.byteLength && own.every((b, i) => b === key.raw[i]);
}

/**
 * Signs `content` into a CAdES-BES CMS SignedData with a GOST R 34.10-2012 key (Streebog of the
 * key's length). Detached unless `detached: false`.
 * @returns the ContentInfo, DER.
 * @throws {SigningError} `bad-certificate`, or `key-mismatch` when the key is not the certificate's.
 */
export async function signGostCms(
  content: Uint8Array,
  signer: GostCmsSigner,
  options: SignGostCmsOptions = {},
): Promise<Uint8Array> {
  const engine = gostEngine();
  const certificate = parseCertificate(signer.certificate);
  const { length } = signer.privateKey.algorithm;
  const oids = oidsOf(length);
  const essCertId = new asn1js.Sequence({
    value: [
      new pkijs.AlgorithmIdentifier({ algorithmId: oids.digest }).toSchema(),
      new asn1js.OctetString({ valueHex: ab(streebog(length, signer.certificate)) }),
      new pkijs.IssuerSerial({
        issuer: new pkijs.GeneralNames({
          names: [new pkijs.GeneralName({ type: 4, value: certificate.issuer })],
        }),
        serialNumber: certificate.serialNumber,
      }).toSchema(),
    ],
  });
  const attributes = derSorted([
    signedAttribute(CMS_OID.contentType, new asn1js.ObjectIdentifier({ value: CMS_OID.data })),
    signedAttribute(CMS_OID.signingTime, attributeTime(options.signingTime ?? new Date())),
    signedAttribute(
      CMS_OID.messageDigest,
      new asn1js.OctetString({ valueHex: ab(streebog(length, content)) }),
    ),
    signedAttribute(
      CMS_OID.signingCertificateV2,
      new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] }),
    ),
  ]);

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
    certificates: [certificate, ...(options.certificates ?? []).map(parseCertificate)],
  });
  if (options.detached === false) {
    signedData.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: ab(content) });
  }
  await signedData.sign(signer.privateKey as unknown as CryptoKey, 0, oids.hash, undefined, engine);
  const signerInfo = signedData.signerInfos[0]!;
  // As OpenSSL and CryptoPro: the key's algorithm, not signwithdigest (the signature does not cover it).
  signerInfo.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: oids.key });
  signedData.digestAlgorithms = [new pkijs.AlgorithmIdentifier({ algorithmId: oids.digest })];
  signerInfo.digestAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: oids.digest });

  if (options.checkKey !== false) {
    const signedAttrs = new Uint8Array(signerInfo.signedAttrs!.toSchema().toBER(false));
    signedAttrs[0] = 0x31;
    const matches = await engine.verifyWithPublicKey(
      signedAttrs,
      signerInfo.signature,
      certificate.subjectPublicKeyInfo,
      signerInfo.signatureAlgorithm,
    );
    if (!matches) {
      throw new SigningError("key-mismatch", "The private key does not belong to the certificate");
    }
  }

  const schema = signedData.toSchema(true);
  const encapsulated = schema.valueBlock.value[2];
  if (
    options.detached === false &&
    content.byteLength === 0 &&
    encapsulated instanceof asn1js.Sequence &&
    encapsulated.valueBlock.value.length === 1
  ) {
    // An empty attached content is written as [0] { OCTET STRING (0 bytes) }, not left out.
    encapsulated.valueBlock.value.push(
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.OctetString()],
      }),
    );
  }
  return new Uint8Array(
    new pkijs.ContentInfo({ contentType: CMS_OID.signedData, content: schema })
      .toSchema()
      .toBER(false),
  );
}

function findCertificate(signedData: pkijs.SignedData, signerInfo: pkijs.SignerInfo) {
  const sid: unknown = signerInfo.sid;
  const certificates = (signedData.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certificates.find(
      (c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber),
    );
  }
  return undefined;
}

/**
 * Verifies a CMS SignedData with this package's engine (GOST R 34.10-2012 as well as RSA and
 * ECDSA), detached (give `content`) or attached; the result has the shape of `verifyCms` of
 * @trustspec/dss/cms: a signature that does not verify is `valid: false` with a `code`.
 * @throws {SigningError} `bad-signature` when the bytes are not a CMS SignedData.
 */
export async function verifyCmsWithEngine(
  signature: Uint8Array,
  options: VerifyGostCmsOptions = {},
): Promise<CmsVerifyResult> {
  const engine = gostEngine();
  const signedData = parseSignedData(signature);
  const eContent = signedData.encapContentInfo.eContent;
  let content: Uint8Array | undefined;
  if (eContent) {
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
  if (!eContent && content.byteLength === 0)
    signedData.encapContentInfo.eContent = new asn1js.OctetString();
  if (signedData.signerInfos.length === 0) {
    return { valid: false, code: "no-signers", reason: "The SignedData has no signers", content };
  }
  const facts: Pick<CmsVerifyResult, "signerCertificate" | "signingTime"> = {};
  const fail = (code: CmsVerifyFailure, reason: string): CmsVerifyResult => ({
    valid: false,
    code,
    reason,
    content,
    ...facts,
  });
  for (let i = 0; i < signedData.signerInfos.length; i++) {
    const signerInfo = signedData.signerInfos[i]!;
    const certificate = findCertificate(signedData, signerInfo);
    if (i === 0) {
      const time = signedAttributeValue(signerInfo, CMS_OID.signingTime);
      if (time instanceof asn1js.UTCTime || time instanceof asn1js.GeneralizedTime) {
        facts.signingTime = time.toDate();
      }
    }
    if (!certificate) {
      return fail(
        "signer-certificate-missing",
        "The signer's certificate is not included in the SignedData",
      );
    }
    const certificateDer = new Uint8Array(certificate.toSchema().toBER(false));
    if (i === 0) facts.signerCertificate = certificateDer;
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
    let verified: boolean | null | undefined;
    try {
      const result = await signedData.verify(
        { signer: i, data: ab(content), extendedMode: true, checkChain: false },
        engine,
      );
      verified = result.signatureVerified;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/digest doesn't match/i.test(message)) {
        return fail("digest-mismatch", "The message digest does not match the content");
      }
      return fail("unsupported", `Verification failed: ${message}`);
    }
    if (!verified)
      return fail("signature-invalid", "The signature value does not verify with the signer's key");
    const ess = await checkSigningCertificate(signerInfo, certificateDer, engine);
    if (ess) return fail("signing-certificate-mismatch", ess);
    if (options.trusted) {
      const chain = new pkijs.CertificateChainValidationEngine({
        trustedCerts: options.trusted.map(parseCertificate),
        certs: [
          ...(signedData.certificates ?? []).filter(
            (c): c is pkijs.Certificate =>
              c instanceof pkijs.Certificate &&
              c !== certificate &&
              pkijs.checkCA(c, certificate) !== null,
          ),
          certificate,
        ],
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
          ? fail("certificate-expired", "A certificate of the chain is not valid at that time")
          : fail(
              "untrusted",
              `The signer's certificate does not chain to a trusted certificate: ${result.resultMessage}`,
            );
      }
    }
  }
  return { valid: true, content, ...facts };
}
