/**
 * CMS SignedData with GOST R 34.10-2012 and Streebog in the CAdES-BES shape, and its
 * verification: the same structure as the RSA/ECDSA CMS of @trustspec/dss/cms (signed
 * attributes contentType, signingTime, messageDigest, signingCertificateV2; the signer by issuer
 * and serial number; its certificate included), with the GOST algorithms of RFC 4490/9215:
 * digestAlgorithm id-tc26-gost3411-12-256/512, signatureAlgorithm id-tc26-gost3410-12-256/512 (as
 * OpenSSL's GOST engine and CryptoPro write it), signature s || r, and an ESSCertIDv2 that names
 * its Streebog hash algorithm.
 */

import type { CmsVerifyFailure, CmsVerifyResult } from "@trustspec/dss/cms";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SigningError } from "../errors.js";
import { gostEngine } from "./engine.js";
import { type GostPrivateKey, gostPublicKey, readGostPublicKey } from "./keys.js";
import { streebog } from "./library.js";
import { oidsOf } from "./params.js";

const OID_DATA = "1.2.840.113549.1.7.1";
const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
const OID_CONTENT_TYPE = "1.2.840.113549.1.9.3";
const OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
const OID_SIGNING_TIME = "1.2.840.113549.1.9.5";
const OID_SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12";
const OID_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47";
const OID_SHA1 = "1.3.14.3.2.26";
const OID_SHA256 = "2.16.840.1.101.3.4.2.1";

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

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);
}

function compareDer(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.byteLength - b.byteLength;
}

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
  if (info.contentType !== OID_SIGNED_DATA) {
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

function attribute(type: string, value: asn1js.BaseBlock): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

function timeValue(date: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const year = whole.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? new asn1js.UTCTime({ valueDate: whole })
    : new asn1js.GeneralizedTime({ valueDate: whole });
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
  const attributes = [
    attribute(OID_CONTENT_TYPE, new asn1js.ObjectIdentifier({ value: OID_DATA })),
    attribute(OID_SIGNING_TIME, timeValue(options.signingTime ?? new Date())),
    attribute(
      OID_MESSAGE_DIGEST,
      new asn1js.OctetString({ valueHex: ab(streebog(length, content)) }),
    ),
    attribute(
      OID_SIGNING_CERTIFICATE_V2,
      new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] }),
    ),
  ]
    .map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }))
    .sort((x, y) => compareDer(x.der, y.der))
    .map((x) => x.a);

  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID_DATA }),
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
    new pkijs.ContentInfo({ contentType: OID_SIGNED_DATA, content: schema })
      .toSchema()
      .toBER(false),
  );
}

function attributeValue(signerInfo: pkijs.SignerInfo, type: string): unknown {
  return signerInfo.signedAttrs?.attributes.find((a) => a.type === type)?.values[0];
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

async function checkSigningCertificate(
  engine: pkijs.CryptoEngine,
  signerInfo: pkijs.SignerInfo,
  certificateDer: Uint8Array,
): Promise<string | undefined> {
  const v2 = attributeValue(signerInfo, OID_SIGNING_CERTIFICATE_V2);
  const v1 = attributeValue(signerInfo, OID_SIGNING_CERTIFICATE);
  const value = v2 ?? v1;
  if (value === undefined) return undefined;
  const certs = value instanceof asn1js.Sequence ? value.valueBlock.value[0] : undefined;
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) return "The signingCertificate attribute is malformed";
  let hashOid = v2 === undefined ? OID_SHA1 : OID_SHA256;
  let index = 0;
  const head = first.valueBlock.value[0];
  if (v2 !== undefined && head instanceof asn1js.Sequence) {
    hashOid = new pkijs.AlgorithmIdentifier({ schema: head }).algorithmId;
    index = 1;
  }
  const hash = first.valueBlock.value[index];
  if (!(hash instanceof asn1js.OctetString)) return "The signingCertificate attribute is malformed";
  const algorithm = engine.getAlgorithmByOID(hashOid);
  if (!("name" in algorithm)) return `Unsupported signingCertificate hash: ${hashOid}`;
  const actual = new Uint8Array(await engine.digest(algorithm, ab(certificateDer)));
  return bytesEqual(actual, hash.valueBlock.valueHexView)
    ? undefined
    : "The signingCertificate attribute names another certificate than the signer's";
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
      const time = attributeValue(signerInfo, OID_SIGNING_TIME);
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
    const contentType = attributeValue(signerInfo, OID_CONTENT_TYPE);
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
    const ess = await checkSigningCertificate(engine, signerInfo, certificateDer);
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
