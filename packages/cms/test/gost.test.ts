/**
 * GOST R 34.10-2012 through the CMS engine plug-in: keys (PKCS#8, parameter sets, no key
 * material in logs), the GOST test PKI, and CAdES-BES SignedData signed and verified by
 * `signCms`/`verifyCms` with `gostEngine()`, in the shape CryptoPro and OpenSSL write it.
 */
import * as pkijs from "pkijs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createGostTestCa,
  exportGostPrivateKey,
  type GostKeyAndCertificate,
  type GostKeyLength,
  generateGostKeyPair,
  gostEngine,
  gostKeyMatches,
  importGostPrivateKey,
  issueGostCertificate,
} from "../src/gost.js";
import {
  CMS_OID,
  CmsFormatError,
  CmsInputError,
  createTestCa,
  describeCertificate,
  parseSignedData,
  signCms,
  signedAttributeValue,
  verifyCms,
} from "../src/index.js";

const text = (s: string) => new TextEncoder().encode(s);
const body = text('{"address":"г.Москва, ул. Ленинские горы, 1","name":"Наименование"}');

const OIDS = {
  256: { key: "1.2.643.7.1.1.1.1", digest: "1.2.643.7.1.1.2.2", cert: "1.2.643.7.1.1.3.2" },
  512: { key: "1.2.643.7.1.1.1.2", digest: "1.2.643.7.1.1.2.3", cert: "1.2.643.7.1.1.3.3" },
} as const;

const pki = new Map<GostKeyLength, { ca: GostKeyAndCertificate; user: GostKeyAndCertificate }>();

beforeAll(async () => {
  for (const length of [256, 512] as const) {
    const ca = await createGostTestCa({ subject: `CN=УЦ ГОСТ ${length}, C=RU`, length });
    const user = await issueGostCertificate(ca, {
      subject: "CN=Участник оборота, INN=7700000000",
      length,
    });
    pki.set(length, { ca, user });
  }
});

describe("GOST keys", () => {
  it("keeps the private key out of JSON and inspection", async () => {
    const { privateKey } = generateGostKeyPair(256);
    const secret = Buffer.from(exportGostPrivateKey(privateKey)).toString("hex").slice(-64);
    expect(JSON.stringify(privateKey)).not.toContain(secret);
    const { inspect } = await import("node:util");
    expect(inspect(privateKey, { depth: 5 })).not.toMatch(/Uint8Array/);
  });

  it.each([256, 512] as const)("round-trips a %i-bit key through PKCS#8", async (length) => {
    const ca = await createGostTestCa({ subject: "CN=PKCS8", length });
    const imported = importGostPrivateKey(exportGostPrivateKey(ca.privateKey));
    expect(imported.publicKey.raw).toEqual(ca.publicKey.raw);
    expect(gostKeyMatches(imported.privateKey, ca.certificate)).toBe(true);
    const signer = { certificate: ca.certificate, privateKey: imported.privateKey };
    const signature = await signCms(body, signer, { engine: gostEngine() });
    expect((await verifyCms(signature, { content: body, engine: gostEngine() })).valid).toBe(true);
  });

  it("refuses parameter sets it cannot use and malformed PKCS#8", () => {
    expect(() => generateGostKeyPair(256, { paramSet: "1.2.643.7.1.2.1.1.1" })).toThrow(
      /parameter set/,
    );
    expect(() => generateGostKeyPair(512, { paramSet: "1.2.643.2.2.35.1" })).toThrow(CmsInputError);
    expect(() => importGostPrivateKey(text("junk"))).toThrow(/PKCS#8/);
    expect(() => importGostPrivateKey(text("junk"))).toThrow(CmsFormatError);
  });

  it("tells a certificate's key from another", () => {
    const { user } = pki.get(256)!;
    expect(gostKeyMatches(user.privateKey, user.certificate)).toBe(true);
    expect(gostKeyMatches(generateGostKeyPair(256).privateKey, user.certificate)).toBe(false);
    expect(gostKeyMatches(pki.get(512)!.user.privateKey, user.certificate)).toBe(false);
  });
});

describe.each([256, 512] as const)("GOST %i-bit test PKI and CMS", (length) => {
  it("issues certificates signed with Streebog, with the test PKI's names and extensions", () => {
    const { ca, user } = pki.get(length)!;
    const facts = describeCertificate(user.certificate);
    expect(facts).toMatchObject({
      subject: "CN=Участник оборота, INN=7700000000",
      issuer: `CN=УЦ ГОСТ ${length}, C=RU`,
      isCa: false,
    });
    expect(describeCertificate(ca.certificate).isCa).toBe(true);
    const parsed = pkijs.Certificate.fromBER(user.certificate.slice().buffer);
    expect(parsed.signatureAlgorithm.algorithmId).toBe(OIDS[length].cert);
    expect(parsed.subjectPublicKeyInfo.algorithm.algorithmId).toBe(OIDS[length].key);
    expect(parsed.extensions?.map((e) => e.extnID)).toEqual([
      "2.5.29.19",
      "2.5.29.15",
      "2.5.29.37",
      "2.5.29.14",
      "2.5.29.35",
    ]);
  });

  it("signs CAdES-BES with the GOST identifiers and verifies it, chain included", async () => {
    const { ca, user } = pki.get(length)!;
    const engine = gostEngine();
    const signature = await signCms(body, user, { engine, certificates: [ca.certificate] });
    const signedData = parseSignedData(signature);
    const signerInfo = signedData.signerInfos[0]!;
    expect(signerInfo.digestAlgorithm.algorithmId).toBe(OIDS[length].digest);
    expect(signerInfo.signatureAlgorithm.algorithmId).toBe(OIDS[length].key);
    expect(signedData.digestAlgorithms.map((a) => a.algorithmId)).toEqual([OIDS[length].digest]);
    // The ESSCertIDv2 names its Streebog hash (it is not the DEFAULT, SHA-256).
    const ess = signedAttributeValue(signerInfo, CMS_OID.signingCertificateV2) as {
      valueBlock: { value: { valueBlock: { value: { valueBlock: { value: unknown[] } }[] } }[] };
    };
    const first = ess.valueBlock.value[0]!.valueBlock.value[0]!;
    expect(first.valueBlock.value).toHaveLength(3);

    const result = await verifyCms(signature, { content: body, engine, trusted: [ca.certificate] });
    expect(result).toMatchObject({ valid: true, signerCertificate: user.certificate });
    const other = await createGostTestCa({ subject: "CN=Other", length });
    expect(
      await verifyCms(signature, { content: body, engine, trusted: [other.certificate] }),
    ).toMatchObject({ valid: false, code: "untrusted" });
    expect(await verifyCms(signature, { content: text("other"), engine })).toMatchObject({
      valid: false,
      code: "digest-mismatch",
    });
  });

  it("signs attached content, and empty content", async () => {
    const { user } = pki.get(length)!;
    const engine = gostEngine();
    const attached = await signCms(body, user, { engine, detached: false });
    expect(await verifyCms(attached, { engine })).toMatchObject({ valid: true, content: body });
    const empty = await signCms(new Uint8Array(), user, { engine, detached: false });
    expect((await verifyCms(empty, { engine })).valid).toBe(true);
  });

  it("checks each new signature against the certificate unless told not to", async () => {
    const { user } = pki.get(length)!;
    const stranger = {
      certificate: user.certificate,
      privateKey: generateGostKeyPair(length).privateKey,
    };
    await expect(signCms(body, stranger, { engine: gostEngine() })).rejects.toThrow(
      /does not belong to the certificate/,
    );
    const unchecked = await signCms(body, stranger, { engine: gostEngine(), checkKey: false });
    expect(await verifyCms(unchecked, { content: body, engine: gostEngine() })).toMatchObject({
      valid: false,
      code: "signature-invalid",
    });
  });
});

describe("engines", () => {
  it("the default engine signs with RSA and ECDSA keys and refuses GOST keys", async () => {
    const { user } = pki.get(256)!;
    await expect(signCms(body, user)).rejects.toThrow(CmsInputError);
    await expect(signCms(body, user)).rejects.toThrow(/Unsupported signing key/);
  });

  it("the GOST engine signs and verifies RSA and ECDSA as the default engine does", async () => {
    for (const algorithm of ["RSA", "ECDSA"] as const) {
      const ca = await createTestCa({ commonName: `CN=${algorithm}`, algorithm });
      const signature = await signCms(body, ca, { engine: gostEngine() });
      expect((await verifyCms(signature, { content: body })).valid).toBe(true);
      expect((await verifyCms(signature, { content: body, engine: gostEngine() })).valid).toBe(
        true,
      );
    }
  });

  it("the default engine does not verify GOST signatures", async () => {
    const { user } = pki.get(256)!;
    const signature = await signCms(body, user, { engine: gostEngine() });
    expect((await verifyCms(signature, { content: body })).valid).toBe(false);
  });
});
