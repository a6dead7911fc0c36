/**
 * The parts of a CAdES-BES SignedData that do not depend on the signature algorithm: the object
 * identifiers, the signed attributes (building, DER order, reading) and the check of the ESS
 * signing-certificate attribute. Shared by this module's RSA/ECDSA CMS and by other signers that
 * bring their own crypto engine (GOST in @trustspec/suz).
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { bytesEqual, compareDer, toArrayBuffer } from "./bytes.js";
import { cryptoEngine } from "./engine.js";

/** Object identifiers of CMS (RFC 5652), ESS (RFC 2634, RFC 5035) and their digests. */
export const CMS_OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  signingCertificate: "1.2.840.113549.1.9.16.2.12",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
} as const;

/** A signed attribute time: UTCTime through 2049, GeneralizedTime after (RFC 5652 §11.3). */
export function attributeTime(date: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const year = whole.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? new asn1js.UTCTime({ valueDate: whole })
    : new asn1js.GeneralizedTime({ valueDate: whole });
}

/** An attribute with one value. */
export function signedAttribute(type: string, value: asn1js.BaseBlock): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** Attributes in the order DER gives a SET OF: by their encodings. */
export function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  return attributes
    .map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }))
    .sort((x, y) => compareDer(x.der, y.der))
    .map((x) => x.a);
}

/** The (first) value of a signed attribute, or undefined. */
export function signedAttributeValue(signerInfo: pkijs.SignerInfo, type: string): unknown {
  return signerInfo.signedAttrs?.attributes.find((a) => a.type === type)?.values[0];
}

/**
 * Checks an ESS signingCertificate (SHA-1) or signingCertificateV2 attribute, when present: its
 * first ESSCertID must hash to the signer's certificate, with the hash the attribute names,
 * computed by `engine` (default this module's WebCrypto engine). Returns a reason when it does not.
 */
export async function checkSigningCertificate(
  signerInfo: pkijs.SignerInfo,
  certificateDer: Uint8Array,
  engine: pkijs.CryptoEngine = cryptoEngine(),
): Promise<string | undefined> {
  const v2 = signedAttributeValue(signerInfo, CMS_OID.signingCertificateV2);
  const v1 = signedAttributeValue(signerInfo, CMS_OID.signingCertificate);
  const value = v2 ?? v1;
  if (value === undefined) return undefined;
  const certs = value instanceof asn1js.Sequence ? value.valueBlock.value[0] : undefined;
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) return "The signingCertificate attribute is malformed";
  let hashOid: string = v2 === undefined ? CMS_OID.sha1 : CMS_OID.sha256;
  let index = 0;
  const head = first.valueBlock.value[0];
  if (v2 !== undefined && head instanceof asn1js.Sequence) {
    hashOid = new pkijs.AlgorithmIdentifier({ schema: head }).algorithmId;
    index = 1;
  }
  const certHash = first.valueBlock.value[index];
  if (!(certHash instanceof asn1js.OctetString)) {
    return "The signingCertificate attribute is malformed";
  }
  const algorithm = engine.getAlgorithmByOID(hashOid);
  if (!("name" in algorithm)) return `Unsupported signingCertificate hash: ${hashOid}`;
  const actual = new Uint8Array(await engine.digest(algorithm, toArrayBuffer(certificateDer)));
  if (!bytesEqual(actual, certHash.valueBlock.valueHexView)) {
    return "The signingCertificate attribute names another certificate than the signer's";
  }
  return undefined;
}
