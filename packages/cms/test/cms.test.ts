import { createHash } from "node:crypto";
import * as pkijs from "pkijs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CmsDecryptError,
  CmsFormatError,
  CmsInputError,
  createCertificateRequest,
  createTestCa,
  decryptCms,
  describeCertificate,
  encryptCms,
  fromPem,
  issueCertificate,
  type KeyAlgorithm,
  type KeyAndCertificate,
  listCmsRecipients,
  parseCertificateRequest,
  signCms,
  toPem,
  verifyCms,
} from "../src/index.js";
import { parseName } from "../src/names.js";

const text = (s: string) => new TextEncoder().encode(s);
const sha1Hex = (bytes: Uint8Array) => createHash("sha1").update(bytes).digest("hex").toUpperCase();

interface TestPki {
  ca: KeyAndCertificate;
  signer: KeyAndCertificate;
}

async function makePki(algorithm: KeyAlgorithm): Promise<TestPki> {
  const ca = await createTestCa({
    commonName: `CN=Test CA ${algorithm}, O=Trustspec, C=RU`,
    algorithm,
  });
  const issued = await issueCertificate(ca, {
    subject: `CN=Signer ${algorithm}, O=Test`,
    algorithm,
  });
  if (!issued.privateKey) throw new Error("issueCertificate made no private key");
  return { ca, signer: { ...issued, privateKey: issued.privateKey } };
}

/** A copy of `bytes` with the byte at `index` (negative: from the end) XOR-ed with 1. */
function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  const at = index < 0 ? copy.length + index : index;
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const pkis: Partial<Record<KeyAlgorithm, TestPki>> = {};
const pki = (algorithm: KeyAlgorithm): TestPki => {
  const found = pkis[algorithm];
  if (!found) throw new Error(`no PKI for ${algorithm}`);
  return found;
};

beforeAll(async () => {
  pkis.RSA = await makePki("RSA");
  pkis.ECDSA = await makePki("ECDSA");
});

describe("PEM and base64", () => {
  it("round-trips DER through PEM with 64-character lines", () => {
    const der = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) & 0xff);
    const pem = toPem(der, "CMS");
    expect(pem.startsWith("-----BEGIN CMS-----\n")).toBe(true);
    expect(pem.endsWith("-----END CMS-----\n")).toBe(true);
    for (const line of pem.trim().split("\n").slice(1, -1))
      expect(line.length).toBeLessThanOrEqual(64);
    expect(fromPem(pem)).toEqual(der);
    expect(fromPem(`junk before\n${pem}junk after`)).toEqual(der);
  });

  it("reads bare base64 as DSS passes certificates", () => {
    expect(fromPem("MAMCAQE=")).toEqual(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
  });

  it("reads base64 without its final padding, and refuses padding that is wrong", () => {
    const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    expect(fromPem("MAMCAQE")).toEqual(der);
    expect(fromPem("-----BEGIN CMS-----\nMAMC\nAQE\n-----END CMS-----\n")).toEqual(der);
    for (const bad of ["MAMCAQ=", "MAMCAQE==", "MAMCA", "MA=MCAQE", "MAMC-QE="]) {
      expect(() => fromPem(bad), bad).toThrow(CmsFormatError);
    }
  });

  it("rejects text that is neither PEM nor base64 with CmsFormatError", () => {
    expect(() => fromPem("not base64 at all!")).toThrow(CmsFormatError);
    expect(() => fromPem("-----BEGIN CMS-----\nMAMCAQE=\n-----END CERTIFICATE-----\n")).toThrow(
      CmsFormatError,
    );
    expect(() => fromPem("-----BEGIN CMS-----\n-----END CMS-----\n")).toThrow(CmsFormatError);
  });
});

describe("names", () => {
  it("reads RFC 4514-like text, most specific first, with aliases and escapes", () => {
    expect(parseName('CN=Иванов\\, Иван, O="ООО ""Ромашка""", ИНН=007700000000, E=a@b.ru')).toEqual(
      [
        { oid: "2.5.4.3", value: "Иванов, Иван" },
        { oid: "2.5.4.10", value: 'ООО "Ромашка"' },
        { oid: "1.2.643.3.131.1.1", value: "007700000000" },
        { oid: "1.2.840.113549.1.9.1", value: "a@b.ru" },
      ],
    );
  });

  it("takes text that is not TYPE=value pairs as a bare common name", () => {
    expect(parseName("ООО Ромашка, филиал")).toEqual([
      { oid: "2.5.4.3", value: "ООО Ромашка, филиал" },
    ]);
    expect(parseName("Foo=bar")).toEqual([{ oid: "2.5.4.3", value: "Foo=bar" }]);
  });

  it("keeps multi-valued RDNs (one SET per RDN otherwise) and escapes special characters", async () => {
    const ca = await createTestCa({
      commonName: "CN=Иванов\\, Иван+SN=Иванов, O=Org, C=RU",
      algorithm: "ECDSA",
    });
    expect(describeCertificate(ca.certificate).subject).toBe(
      "CN=Иванов\\, Иван+SN=Иванов, O=Org, C=RU",
    );
  });

  it("rejects an empty subject with CmsInputError", () => {
    expect(() => parseName("  ")).toThrow(CmsInputError);
  });
});

describe("certificates", () => {
  it("makes a self-signed CA with the facts asked for", async () => {
    const now = new Date("2025-03-01T10:20:30.456Z");
    const ca = await createTestCa({
      commonName: "Тестовый УЦ",
      algorithm: "ECDSA",
      validDays: 10,
      now,
    });
    const facts = describeCertificate(ca.certificate);
    expect(facts.subject).toBe("CN=Тестовый УЦ");
    expect(facts.issuer).toBe(facts.subject);
    expect(facts.notBefore.toISOString()).toBe("2025-03-01T10:20:30.000Z");
    expect(facts.notAfter.toISOString()).toBe("2025-03-11T10:20:30.000Z");
    expect(facts.thumbprint).toBe(sha1Hex(ca.certificate));
    expect(facts.serialNumber).toMatch(/^[0-9A-F]{32}$/);
    expect(facts.isCa).toBe(true);
    expect(facts.keyAlgorithm).toBe("ECDSA");
    expect(ca.privateKey.type).toBe("private");
    expect(ca.publicKey.type).toBe("public");
  });

  it("issues from a PKCS#10 request: subject, issuer, serial, key of the request", async () => {
    const { ca } = pki("RSA");
    const req = await createCertificateRequest({
      subject: "CN=Иван Иванов, O=Test, SNILS=12345678901",
      algorithm: "ECDSA",
    });
    expect(await parseCertificateRequest(req.request)).toEqual({
      subject: "CN=Иван Иванов, O=Test, SNILS=12345678901",
      signatureValid: true,
    });

    const issued = await issueCertificate(ca, {
      subject: "",
      request: req.request,
      serialNumber: new Uint8Array([0x8a, 0x1b]),
      validDays: 30,
    });
    expect(issued.privateKey).toBeUndefined();
    const facts = describeCertificate(issued.certificate);
    expect(facts.subject).toBe("CN=Иван Иванов, O=Test, SNILS=12345678901");
    expect(facts.issuer).toBe("CN=Test CA RSA, O=Trustspec, C=RU");
    expect(facts.serialNumber).toBe("8A1B");
    expect(facts.keyAlgorithm).toBe("ECDSA");
    expect(facts.isCa).toBe(false);
    expect(facts.notAfter.getTime() - facts.notBefore.getTime()).toBe(30 * 86_400_000);
    const spki = (key: CryptoKey) => crypto.subtle.exportKey("spki", key);
    expect(new Uint8Array(await spki(issued.publicKey))).toEqual(
      new Uint8Array(await spki(req.publicKey)),
    );

    const renamed = await issueCertificate(ca, {
      subject: "CN=Другое имя",
      request: req.request,
      serialNumber: 5,
    });
    expect(describeCertificate(renamed.certificate)).toMatchObject({
      subject: "CN=Другое имя",
      serialNumber: "05",
    });
  });

  it("refuses a request whose self-signature does not verify", async () => {
    const { ca } = pki("RSA");
    const req = await createCertificateRequest({ subject: "CN=Tampered", algorithm: "RSA" });
    const tampered = flipByte(req.request, -1);
    expect((await parseCertificateRequest(tampered)).signatureValid).toBe(false);
    await expect(issueCertificate(ca, { subject: "CN=X", request: tampered })).rejects.toThrow(
      CmsInputError,
    );
  });

  it("throws CmsFormatError for bytes that are not a certificate or request", async () => {
    expect(() => describeCertificate(text("garbage"))).toThrow(CmsFormatError);
    await expect(
      parseCertificateRequest(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])),
    ).rejects.toThrow(CmsFormatError);
  });

  it("validates serial numbers and validity", async () => {
    const { ca } = pki("ECDSA");
    await expect(issueCertificate(ca, { subject: "CN=A", serialNumber: 0 })).rejects.toThrow(
      CmsInputError,
    );
    await expect(issueCertificate(ca, { subject: "CN=A", validDays: -1 })).rejects.toThrow(
      CmsInputError,
    );
  });
});

describe.each(["RSA", "ECDSA"] as const)("SignedData with %s", (algorithm) => {
  const content = text("Документ для подписи\n");
  const signingTime = new Date("2025-06-01T12:00:00.789Z");

  it.each([
    ["detached", true],
    ["attached", false],
  ] as const)("round-trips %s", async (_, detached) => {
    const { ca, signer } = pki(algorithm);
    const signature = await signCms(content, signer, { detached, signingTime });
    const result = await verifyCms(signature, {
      ...(detached ? { content } : {}),
      trusted: [ca.certificate],
    });
    expect(result).toMatchObject({ valid: true, content });
    expect(result.reason).toBeUndefined();
    expect(result.signerCertificate).toEqual(signer.certificate);
    expect(result.signingTime?.toISOString()).toBe("2025-06-01T12:00:00.000Z");
    // The content is in the SignedData exactly when attached.
    expect(indexOfBytes(signature, content) >= 0).toBe(!detached);
  });

  it("reports a changed content byte as a digest mismatch", async () => {
    const { signer } = pki(algorithm);
    const detached = await signCms(content, signer);
    const result = await verifyCms(detached, { content: flipByte(content, 3) });
    expect(result).toMatchObject({ valid: false, code: "digest-mismatch" });
    expect(result.reason).toMatch(/digest/);

    const attached = await signCms(content, signer, { detached: false });
    const at = indexOfBytes(attached, content);
    const changed = await verifyCms(flipByte(attached, at + 3));
    expect(changed).toMatchObject({ valid: false, code: "digest-mismatch" });
  });

  it("reports a changed signature byte as an invalid signature", async () => {
    const { signer } = pki(algorithm);
    const signature = await signCms(content, signer);
    // The signature value is the last field of the last (only) SignerInfo.
    const result = await verifyCms(flipByte(signature, -1), { content });
    expect(result).toMatchObject({ valid: false, code: "signature-invalid" });
    expect(result.reason).toBeTruthy();
  });

  it("reports a changed signed attribute (signingTime) as an invalid signature", async () => {
    const { signer } = pki(algorithm);
    const signature = await signCms(content, signer, { signingTime });
    const at = indexOfBytes(signature, text("250601120000Z"));
    expect(at).toBeGreaterThan(0);
    const result = await verifyCms(flipByte(signature, at + 11), { content });
    expect(result).toMatchObject({ valid: false, code: "signature-invalid" });
  });

  it("reports wrong content, missing content and content that differs from the attached", async () => {
    const { signer } = pki(algorithm);
    const detached = await signCms(content, signer);
    expect(await verifyCms(detached, { content: text("other") })).toMatchObject({
      valid: false,
      code: "digest-mismatch",
    });
    expect(await verifyCms(detached)).toMatchObject({ valid: false, code: "content-missing" });
    const attached = await signCms(content, signer, { detached: false });
    expect(await verifyCms(attached, { content: text("other") })).toMatchObject({
      valid: false,
      code: "content-mismatch",
    });
    expect(await verifyCms(attached, { content })).toMatchObject({ valid: true });
  });

  it("reports a signer that does not chain to the trusted CA", async () => {
    const { signer } = pki(algorithm);
    const other = await createTestCa({ commonName: "CN=Other CA", algorithm });
    const signature = await signCms(content, signer);
    const result = await verifyCms(signature, { content, trusted: [other.certificate] });
    expect(result).toMatchObject({ valid: false, code: "untrusted" });
    expect(result.reason).toMatch(/trusted/);
    expect(result.signerCertificate).toEqual(signer.certificate);
  });

  it("reports an expired signer certificate at `now`", async () => {
    const { ca, signer } = pki(algorithm);
    const signature = await signCms(content, signer);
    const later = new Date(Date.now() + 400 * 86_400_000);
    expect(
      await verifyCms(signature, { content, trusted: [ca.certificate], now: later }),
    ).toMatchObject({
      valid: false,
      code: "certificate-expired",
    });
  });

  it.each([
    ["empty", new Uint8Array()],
    ["large (200 kB)", Uint8Array.from({ length: 200_000 }, (_, i) => i & 0xff)],
  ])("round-trips %s content, attached and detached", async (_, data) => {
    const { signer } = pki(algorithm);
    const attached = await signCms(data, signer, { detached: false });
    const verified = await verifyCms(attached);
    expect(verified.valid).toBe(true);
    // Byte comparison: a deep equality over 200 000 array elements takes seconds.
    expect(Buffer.compare(Buffer.from(verified.content ?? []), Buffer.from(data))).toBe(0);
    const detached = await signCms(data, signer);
    expect(await verifyCms(detached, { content: data })).toMatchObject({ valid: true });
    expect(await verifyCms(detached, { content: text("x") })).toMatchObject({ valid: false });
  });

  it("refuses to sign with a key that is not the certificate's", async () => {
    const { ca, signer } = pki(algorithm);
    await expect(
      signCms(content, { certificate: signer.certificate, privateKey: ca.privateKey }),
    ).rejects.toThrow(CmsInputError);
  });
});

describe("signingCertificateV2", () => {
  it("reports a certificate swapped for another with the same issuer, serial and key", async () => {
    const { ca } = pki("RSA");
    const req = await createCertificateRequest({ subject: "CN=Twin", algorithm: "RSA" });
    const a = await issueCertificate(ca, {
      subject: "CN=Twin A",
      request: req.request,
      serialNumber: 77,
    });
    const b = await issueCertificate(ca, {
      subject: "CN=Twin B",
      request: req.request,
      serialNumber: 77,
    });
    const content = text("twins");
    const signature = await signCms(content, {
      certificate: a.certificate,
      privateKey: req.privateKey,
    });
    expect(await verifyCms(signature, { content })).toMatchObject({ valid: true });

    const contentInfo = pkijs.ContentInfo.fromBER(signature.slice().buffer);
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    signedData.certificates = [pkijs.Certificate.fromBER(b.certificate.slice().buffer)];
    const swapped = new pkijs.ContentInfo({
      contentType: contentInfo.contentType,
      content: signedData.toSchema(),
    });
    const result = await verifyCms(new Uint8Array(swapped.toSchema().toBER(false)), { content });
    expect(result).toMatchObject({ valid: false, code: "signing-certificate-mismatch" });
    expect(result.signerCertificate).toEqual(b.certificate);
  });
});

describe("verifyCms input", () => {
  it.each([
    ["random bytes", Uint8Array.from({ length: 64 }, (_, i) => (i * 13 + 5) & 0xff)],
    ["empty", new Uint8Array()],
    ["text", text("hello, world")],
  ])("throws CmsFormatError for %s", async (_, bytes) => {
    await expect(verifyCms(bytes, { content: text("x") })).rejects.toThrow(CmsFormatError);
  });

  it("throws CmsFormatError for a certificate or an EnvelopedData", async () => {
    const { signer } = pki("RSA");
    await expect(verifyCms(signer.certificate)).rejects.toThrow(CmsFormatError);
    const enveloped = await encryptCms(text("x"), [signer.certificate]);
    await expect(verifyCms(enveloped)).rejects.toThrow(/not SignedData/);
  });

  it("accepts PEM text bytes", async () => {
    const { signer } = pki("ECDSA");
    const signature = await signCms(text("pem"), signer, { detached: false });
    expect(await verifyCms(text(toPem(signature, "CMS")))).toMatchObject({ valid: true });
  });
});

describe("EnvelopedData", () => {
  const secret = text("секретные данные ".repeat(50));

  it("encrypts for RSA and EC recipients; each decrypts; recipients are listed", async () => {
    const rsa = pki("RSA").signer;
    const ec = pki("ECDSA").signer;
    const enveloped = await encryptCms(secret, [rsa.certificate, ec.certificate]);
    expect(indexOfBytes(enveloped, secret.subarray(0, 16))).toBe(-1);
    expect(await decryptCms(enveloped, rsa)).toEqual(secret);
    expect(await decryptCms(enveloped, ec)).toEqual(secret);
    const ids = listCmsRecipients(enveloped);
    expect(ids).toEqual(
      [rsa, ec].map((r) => {
        const facts = describeCertificate(r.certificate);
        return { issuer: facts.issuer, serialNumber: facts.serialNumber };
      }),
    );
  });

  it("throws CmsDecryptError for a certificate that is not a recipient", async () => {
    const rsa = pki("RSA").signer;
    const other = await issueCertificate(pki("RSA").ca, { subject: "CN=Other", algorithm: "RSA" });
    const enveloped = await encryptCms(secret, [rsa.certificate]);
    const error = await decryptCms(enveloped, {
      certificate: other.certificate,
      privateKey: other.privateKey as CryptoKey,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CmsDecryptError);
    expect((error as CmsDecryptError).reason).toBe("not-a-recipient");
  });

  it.each(["RSA", "ECDSA"] as const)(
    "throws CmsDecryptError for the recipient's certificate with another %s key",
    async (algorithm) => {
      const { signer, ca } = pki(algorithm);
      const enveloped = await encryptCms(secret, [signer.certificate]);
      const error = await decryptCms(enveloped, {
        certificate: signer.certificate,
        privateKey: ca.privateKey,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CmsDecryptError);
      expect((error as CmsDecryptError).reason).toBe("decryption-failed");
    },
  );

  it("explains that a non-extractable signing key cannot decrypt", async () => {
    const { ca } = pki("ECDSA");
    const issued = await issueCertificate(ca, {
      subject: "CN=Locked",
      algorithm: "ECDSA",
      extractable: false,
    });
    const enveloped = await encryptCms(secret, [issued.certificate]);
    const error = await decryptCms(enveloped, {
      certificate: issued.certificate,
      privateKey: issued.privateKey as CryptoKey,
    }).catch((e: unknown) => e);
    expect((error as CmsDecryptError).reason).toBe("key-unusable");
  });

  it("rejects garbage and no recipients", async () => {
    const { signer } = pki("RSA");
    await expect(decryptCms(text("garbage"), signer)).rejects.toThrow(CmsFormatError);
    expect(() => listCmsRecipients(new Uint8Array([1, 2, 3]))).toThrow(CmsFormatError);
    await expect(encryptCms(secret, [])).rejects.toThrow(CmsInputError);
    const signature = await signCms(secret, signer);
    expect(() => listCmsRecipients(signature)).toThrow(/not EnvelopedData/);
  });
});
