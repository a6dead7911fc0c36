/**
 * CMS EnvelopedData (RFC 5652 §6): encryption for recipients' certificates with AES-256-CBC
 * content encryption; RSA recipients by RSAES-OAEP key transport (SHA-256, RFC 8017), EC
 * recipients by ephemeral-static ECDH key agreement (dhSinglePass-stdDH-sha256kdf-scheme with
 * AES-256 key wrap, RFC 5753).
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { bytesEqual, derFromInput, toArrayBuffer, toHex } from "./bytes.js";
import { parseCertificate, serialHex, subjectKeyIdentifier } from "./certificates.js";
import { cryptoEngine } from "./engine.js";
import { CmsDecryptError, CmsFormatError, CmsInputError } from "./errors.js";
import { formatName } from "./names.js";

const OID_ENVELOPED_DATA = "1.2.840.113549.1.7.3";
const OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const OID_RSAES_OAEP = "1.2.840.113549.1.1.7";

/** A recipient that can decrypt: its certificate (DER) and the certificate's private key. */
export interface CmsRecipient {
  /** The recipient's certificate, DER. */
  certificate: Uint8Array;
  /**
   * The certificate's private key. Keys made by this module (RSASSA-PKCS1-v1_5 or ECDSA, made
   * extractable by default) are re-imported for RSA-OAEP or ECDH; a non-extractable key works
   * only if it was made for RSA-OAEP decryption or ECDH already.
   */
  privateKey: CryptoKey;
}

/** A recipient as named in an EnvelopedData. */
export interface CmsRecipientId {
  /** The issuer of the recipient's certificate, as text; empty for a key-identifier recipient. */
  issuer: string;
  /** The serial number hex; for a key-identifier recipient, `keyid:` and the identifier hex. */
  serialNumber: string;
}

/**
 * The EnvelopedData of a ContentInfo (DER, BER, or PEM/base64 text bytes).
 * @throws {CmsFormatError} when the bytes are not a CMS EnvelopedData.
 */
function parseEnvelopedData(bytes: Uint8Array): pkijs.EnvelopedData {
  let contentInfo: pkijs.ContentInfo;
  try {
    contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(derFromInput(bytes)));
  } catch (cause) {
    throw new CmsFormatError("The bytes are not a CMS ContentInfo", { cause });
  }
  if (contentInfo.contentType !== OID_ENVELOPED_DATA) {
    throw new CmsFormatError(`The CMS content is not EnvelopedData: ${contentInfo.contentType}`);
  }
  try {
    return new pkijs.EnvelopedData({ schema: contentInfo.content });
  } catch (cause) {
    throw new CmsFormatError("The CMS EnvelopedData is malformed", { cause });
  }
}

/**
 * Encrypts `content` for the holders of `recipients` (certificates, DER) into a CMS
 * EnvelopedData with AES-256-CBC. RSA keys get a KeyTransRecipientInfo with RSAES-OAEP
 * (SHA-256, MGF1-SHA-256); EC keys (P-256, P-384, P-521) a KeyAgreeRecipientInfo with ephemeral
 * ECDH, the X9.63 KDF with SHA-256 and AES-256 key wrap. RSAES-PKCS1-v1_5 key transport is not
 * offered: WebCrypto does not implement it.
 * @returns the ContentInfo, DER.
 * @throws {CmsInputError} with no recipients, or a recipient key of another kind.
 * @throws {CmsFormatError} when a certificate is not parseable.
 */
export async function encryptCms(
  content: Uint8Array,
  recipients: Uint8Array[],
): Promise<Uint8Array> {
  if (recipients.length === 0) throw new CmsInputError("encryptCms needs at least one recipient");
  const engine = cryptoEngine();
  const envelopedData = new pkijs.EnvelopedData();
  for (const der of recipients) {
    const certificate = parseCertificate(der);
    try {
      envelopedData.addRecipientByCertificate(
        certificate,
        {
          useOAEP: true,
          oaepHashAlgorithm: "SHA-256",
          kdfAlgorithm: "SHA-256",
          kekEncryptionLength: 256,
        },
        undefined,
        engine,
      );
    } catch (cause) {
      throw new CmsInputError(
        `Cannot encrypt for a key of type ${certificate.subjectPublicKeyInfo.algorithm.algorithmId}`,
        { cause },
      );
    }
  }
  const algorithm: AesKeyGenParams = { name: "AES-CBC", length: 256 };
  try {
    await envelopedData.encrypt(algorithm, toArrayBuffer(content), engine);
  } catch (cause) {
    throw new CmsInputError("Encryption for the recipients failed", { cause });
  }
  const contentInfo = new pkijs.ContentInfo({
    contentType: OID_ENVELOPED_DATA,
    content: envelopedData.toSchema(),
  });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/** Whether a recipient identifier (IssuerAndSerialNumber or [0] key id) names `certificate`. */
function namesCertificate(rid: unknown, certificate: pkijs.Certificate): boolean {
  if (rid instanceof pkijs.IssuerAndSerialNumber) {
    return (
      rid.issuer.isEqual(certificate.issuer) && rid.serialNumber.isEqual(certificate.serialNumber)
    );
  }
  const keyId = recipientKeyId(rid);
  return keyId !== undefined && bytesEqual(keyId, subjectKeyIdentifier(certificate));
}

function recipientKeyId(rid: unknown): Uint8Array | undefined {
  if (rid instanceof pkijs.RecipientKeyIdentifier) {
    return new Uint8Array(rid.subjectKeyIdentifier.valueBlock.valueHexView);
  }
  if (rid instanceof asn1js.OctetString) return new Uint8Array(rid.valueBlock.valueHexView);
  if (rid instanceof asn1js.BaseBlock && "valueHexView" in rid.valueBlock) {
    return new Uint8Array((rid.valueBlock as { valueHexView: Uint8Array }).valueHexView);
  }
  return undefined;
}

/** The identifiers of the certificates a RecipientInfo is for (usually one). */
function recipientIds(info: pkijs.RecipientInfo): unknown[] {
  const value = info.value;
  if (value instanceof pkijs.KeyTransRecipientInfo) return [value.rid];
  if (value instanceof pkijs.KeyAgreeRecipientInfo) {
    return value.recipientEncryptedKeys.encryptedKeys.map((k) => k.rid.value);
  }
  return [];
}

/** The curves ECDH recipients may use: name and shared-secret length in bits. */
const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  "1.2.840.10045.3.1.7": { name: "P-256", bits: 256 },
  "1.3.132.0.34": { name: "P-384", bits: 384 },
  "1.3.132.0.35": { name: "P-521", bits: 528 },
};

/**
 * The private key imported for `algorithm` (RSA-OAEP decryption or ECDH), from its PKCS#8 when
 * extractable, or the key itself when it already is such a key.
 */
async function recipientKey(
  privateKey: CryptoKey,
  algorithm: RsaHashedImportParams | EcKeyImportParams,
  usage: KeyUsage,
): Promise<CryptoKey> {
  const engine = cryptoEngine();
  if (privateKey.extractable) {
    try {
      const pkcs8 = await engine.exportKey("pkcs8", privateKey);
      return await engine.importKey("pkcs8", pkcs8, algorithm, false, [usage]);
    } catch (cause) {
      throw new CmsDecryptError(
        "key-unusable",
        `The private key cannot be used for ${algorithm.name}`,
        { cause },
      );
    }
  }
  if (privateKey.algorithm.name === algorithm.name && privateKey.usages.includes(usage)) {
    return privateKey;
  }
  throw new CmsDecryptError(
    "key-unusable",
    `A non-extractable ${privateKey.algorithm.name} key cannot be used for ${algorithm.name}; ` +
      `make the key extractable, or pass an ${algorithm.name} key with "${usage}" usage`,
  );
}

/** The content-encryption key of a KeyTransRecipientInfo (RSAES-OAEP only). */
async function unwrapKeyTransport(
  info: pkijs.KeyTransRecipientInfo,
  privateKey: CryptoKey,
  contentAlgorithm: Algorithm,
): Promise<CryptoKey> {
  const engine = cryptoEngine();
  const oid = info.keyEncryptionAlgorithm.algorithmId;
  if (oid === OID_RSA_ENCRYPTION) {
    throw new CmsDecryptError(
      "unsupported",
      "RSAES-PKCS1-v1_5 key transport cannot be decrypted with WebCrypto; only RSAES-OAEP",
    );
  }
  if (oid !== OID_RSAES_OAEP) {
    throw new CmsDecryptError("unsupported", `Unsupported key transport: ${oid}`);
  }
  const params = info.keyEncryptionAlgorithm.algorithmParams;
  const oaep =
    params instanceof asn1js.Sequence
      ? new pkijs.RSAESOAEPParams({ schema: params })
      : new pkijs.RSAESOAEPParams();
  const hash = engine.getAlgorithmByOID(oaep.hashAlgorithm.algorithmId);
  if (!("name" in hash)) {
    throw new CmsDecryptError(
      "unsupported",
      `Unsupported OAEP hash: ${oaep.hashAlgorithm.algorithmId}`,
    );
  }
  const key = await recipientKey(privateKey, { name: "RSA-OAEP", hash: hash.name }, "decrypt");
  try {
    const raw = await engine.decrypt(
      { name: "RSA-OAEP" },
      key,
      toArrayBuffer(info.encryptedKey.valueBlock.valueHexView),
    );
    return await engine.importKey("raw", raw, contentAlgorithm, false, ["decrypt"]);
  } catch (cause) {
    throw new CmsDecryptError(
      "decryption-failed",
      "The content-encryption key did not decrypt with this key",
      { cause },
    );
  }
}

/**
 * The content-encryption key of a KeyAgreeRecipientInfo: ephemeral-static ECDH (RFC 5753 §3.1.2),
 * the ANSI X9.63 KDF over ECC-CMS-SharedInfo, then AES key unwrap (RFC 3394).
 *
 * Done here with pkijs's structures and KDF rather than by `EnvelopedData.decrypt`, because
 * pkijs 4 puts an empty entityUInfo into the SharedInfo when the message has no `ukm`, which
 * OpenSSL leaves out: such messages (OpenSSL's default) would not decrypt.
 */
async function unwrapKeyAgreement(
  info: pkijs.KeyAgreeRecipientInfo,
  keyIndex: number,
  certificate: pkijs.Certificate,
  privateKey: CryptoKey,
  contentAlgorithm: Algorithm,
): Promise<CryptoKey> {
  const engine = cryptoEngine();
  const curveParam = certificate.subjectPublicKeyInfo.algorithm.algorithmParams;
  const curveOid =
    curveParam instanceof asn1js.ObjectIdentifier ? curveParam.valueBlock.toString() : "";
  const curve = CURVES[curveOid];
  if (!curve) throw new CmsDecryptError("unsupported", `Unsupported curve: ${curveOid || "none"}`);
  if (
    info.originator.variant !== 3 ||
    !(info.originator.value instanceof pkijs.OriginatorPublicKey)
  ) {
    throw new CmsDecryptError(
      "unsupported",
      "Only an ephemeral originator public key is supported",
    );
  }
  const originator = info.originator.value;
  const originatorSpki = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: originator.algorithm.algorithmId,
      algorithmParams: new asn1js.ObjectIdentifier({ value: curveOid }),
    }),
    subjectPublicKey: originator.publicKey,
  });
  const ecdh = engine.getAlgorithmByOID(info.keyEncryptionAlgorithm.algorithmId);
  const kdfHash = "kdf" in ecdh && typeof ecdh.kdf === "string" ? ecdh.kdf : undefined;
  if (!kdfHash) {
    throw new CmsDecryptError(
      "unsupported",
      `Unsupported key agreement: ${info.keyEncryptionAlgorithm.algorithmId}`,
    );
  }
  const wrapOid = new pkijs.AlgorithmIdentifier({
    schema: info.keyEncryptionAlgorithm.algorithmParams,
  }).algorithmId;
  const wrap = engine.getAlgorithmByOID(wrapOid);
  const wrapBits = "length" in wrap && typeof wrap.length === "number" ? wrap.length : 0;
  if (!("name" in wrap) || wrap.name !== "AES-KW" || !wrapBits) {
    throw new CmsDecryptError("unsupported", `Unsupported key wrap: ${wrapOid}`);
  }
  const encryptedKey = info.recipientEncryptedKeys.encryptedKeys[keyIndex]?.encryptedKey;
  if (!encryptedKey)
    throw new CmsDecryptError("not-a-recipient", "No encrypted key for the recipient");

  const key = await recipientKey(
    privateKey,
    { name: "ECDH", namedCurve: curve.name },
    "deriveBits",
  );
  let shared: ArrayBuffer;
  try {
    const params: EcKeyImportParams = { name: "ECDH", namedCurve: curve.name };
    const spki = originatorSpki.toSchema().toBER(false);
    const publicKey = await engine.importKey("spki", spki, params, false, []);
    shared = await engine.deriveBits({ name: "ECDH", public: publicKey }, key, curve.bits);
  } catch (cause) {
    throw new CmsDecryptError("decryption-failed", "ECDH with the originator's key failed", {
      cause,
    });
  }
  const suppPubInfo = new Uint8Array(4);
  new DataView(suppPubInfo.buffer).setUint32(0, wrapBits);
  // RFC 5753 §7.2: keyInfo is the wrap algorithm with absent parameters; some producers put NULL.
  for (const algorithmParams of [undefined, new asn1js.Null()]) {
    const sharedInfo = new pkijs.ECCCMSSharedInfo({
      keyInfo: new pkijs.AlgorithmIdentifier(
        algorithmParams ? { algorithmId: wrapOid, algorithmParams } : { algorithmId: wrapOid },
      ),
      ...(info.ukm ? { entityUInfo: info.ukm } : {}),
      suppPubInfo: new asn1js.OctetString({ valueHex: suppPubInfo.buffer }),
    });
    try {
      const kekBytes = await pkijs.kdf(
        kdfHash,
        shared,
        wrapBits,
        sharedInfo.toSchema().toBER(false),
        engine,
      );
      const kek = await engine.importKey("raw", kekBytes, { name: "AES-KW" }, false, ["unwrapKey"]);
      return await engine.unwrapKey(
        "raw",
        toArrayBuffer(encryptedKey.valueBlock.valueHexView),
        kek,
        { name: "AES-KW" },
        contentAlgorithm,
        false,
        ["decrypt"],
      );
    } catch {
      // Try the next keyInfo form; after the last one, fall through to the error.
    }
  }
  throw new CmsDecryptError(
    "decryption-failed",
    "The content-encryption key did not unwrap with this key",
  );
}

/**
 * Decrypts a CMS EnvelopedData with a recipient's certificate and private key: finds the
 * RecipientInfo for the certificate (by issuer and serial or key identifier), recovers the
 * content-encryption key (RSAES-OAEP key transport or ECDH key agreement) and decrypts the
 * content (AES-CBC or AES-GCM).
 * @throws {CmsFormatError} when the bytes are not a CMS EnvelopedData or the certificate is not
 *   parseable.
 * @throws {CmsDecryptError} when the certificate is not a recipient (`not-a-recipient`), the
 *   key cannot be used (`key-unusable`), the message needs an algorithm WebCrypto lacks, such as
 *   RSAES-PKCS1-v1_5 (`unsupported`), or decryption fails, e.g. with a key that is not the
 *   certificate's (`decryption-failed`).
 */
export async function decryptCms(
  enveloped: Uint8Array,
  recipient: CmsRecipient,
): Promise<Uint8Array> {
  const engine = cryptoEngine();
  const envelopedData = parseEnvelopedData(enveloped);
  const certificate = parseCertificate(recipient.certificate);
  let found: { info: pkijs.RecipientInfo; keyIndex: number } | undefined;
  for (const info of envelopedData.recipientInfos) {
    const keyIndex = recipientIds(info).findIndex((rid) => namesCertificate(rid, certificate));
    if (keyIndex >= 0) {
      found = { info, keyIndex };
      break;
    }
  }
  if (!found) {
    throw new CmsDecryptError(
      "not-a-recipient",
      "The certificate is not among the recipients of the EnvelopedData",
    );
  }

  const encryptedContentInfo = envelopedData.encryptedContentInfo;
  const contentOid = encryptedContentInfo.contentEncryptionAlgorithm.algorithmId;
  const contentAlgorithm = engine.getAlgorithmByOID(contentOid);
  const iv = encryptedContentInfo.contentEncryptionAlgorithm.algorithmParams;
  if (!("name" in contentAlgorithm) || !(iv instanceof asn1js.OctetString)) {
    throw new CmsDecryptError("unsupported", `Unsupported content encryption: ${contentOid}`);
  }

  const { info, keyIndex } = found;
  let key: CryptoKey;
  if (info.value instanceof pkijs.KeyTransRecipientInfo) {
    key = await unwrapKeyTransport(info.value, recipient.privateKey, contentAlgorithm);
  } else if (info.value instanceof pkijs.KeyAgreeRecipientInfo) {
    key = await unwrapKeyAgreement(
      info.value,
      keyIndex,
      certificate,
      recipient.privateKey,
      contentAlgorithm,
    );
  } else {
    throw new CmsDecryptError(
      "unsupported",
      "Only key transport and key agreement recipients are supported",
    );
  }
  if (!encryptedContentInfo.encryptedContent) {
    throw new CmsDecryptError(
      "unsupported",
      "The EnvelopedData has no encrypted content (detached)",
    );
  }
  try {
    const plain = await engine.decrypt(
      {
        name: contentAlgorithm.name,
        iv: toArrayBuffer(iv.valueBlock.valueHexView),
      } as AesCbcParams,
      key,
      encryptedContentInfo.getEncryptedContent(),
    );
    return new Uint8Array(plain);
  } catch (cause) {
    throw new CmsDecryptError(
      "decryption-failed",
      "The content did not decrypt (wrong key or damaged message)",
      { cause },
    );
  }
}

/**
 * The recipients of a CMS EnvelopedData, without decrypting: for each certificate a
 * RecipientInfo names, its issuer as text and serial number hex (as `describeCertificate`
 * gives them). Recipients named by key identifier have an empty issuer and
 * `keyid:<hex>` as serial; password and KEK recipients are left out.
 * @throws {CmsFormatError} when the bytes are not a CMS EnvelopedData.
 */
export function listCmsRecipients(enveloped: Uint8Array): CmsRecipientId[] {
  const envelopedData = parseEnvelopedData(enveloped);
  const out: CmsRecipientId[] = [];
  for (const info of envelopedData.recipientInfos) {
    for (const rid of recipientIds(info)) {
      if (rid instanceof pkijs.IssuerAndSerialNumber) {
        out.push({ issuer: formatName(rid.issuer), serialNumber: serialHex(rid.serialNumber) });
      } else {
        const keyId = recipientKeyId(rid);
        if (keyId) {
          out.push({
            issuer: "",
            serialNumber: `keyid:${toHex(keyId)}`,
          });
        }
      }
    }
  }
  return out;
}
