import { createTestCa, issueCertificate, type KeyAlgorithm } from "@trustspec/cms";
import { beforeAll, describe, expect, it } from "vitest";
import {
  certificateIds,
  createGostTestCa,
  exportGostPrivateKey,
  fromBase64,
  type GostKeyLength,
  generateGostKeyPair,
  importSigningKey,
  inspectCmsSignature,
  issueGostCertificate,
  SigningError,
  SoftwareSigner,
  toBase64,
  verifyCmsSignature,
} from "../src/index.js";

const text = (s: string) => new TextEncoder().encode(s);
const body = text('{"address":"г.Москва, ул. Ленинские горы, 1","name":"Наименование"}');

type Kind = KeyAlgorithm | `GOST-${GostKeyLength}`;
interface Party {
  signer: SoftwareSigner;
  ca: Uint8Array;
  certificate: Uint8Array;
}
const parties = new Map<Kind, Party>();
const party = (k: Kind) => parties.get(k)!;

beforeAll(async () => {
  for (const algorithm of ["RSA", "ECDSA"] as const) {
    const ca = await createTestCa({ commonName: `CN=УЦ ${algorithm}`, algorithm });
    const user = await issueCertificate(ca, {
      subject: "CN=Участник оборота, O=ООО Ромашка",
      algorithm,
    });
    parties.set(algorithm, {
      signer: new SoftwareSigner({ certificate: user.certificate, privateKey: user.privateKey! }),
      ca: ca.certificate,
      certificate: user.certificate,
    });
  }
  for (const length of [256, 512] as const) {
    const ca = await createGostTestCa({ subject: `CN=УЦ ГОСТ ${length}, C=RU`, length });
    const user = await issueGostCertificate(ca, {
      subject: "CN=Участник оборота, INN=7700000000",
      length,
    });
    parties.set(`GOST-${length}`, {
      signer: new SoftwareSigner({ certificate: user.certificate, privateKey: user.privateKey }),
      ca: ca.certificate,
      certificate: user.certificate,
    });
  }
});

describe.each(["RSA", "ECDSA", "GOST-256", "GOST-512"] as const)("software signer, %s", (kind) => {
  it("makes a detached signature that verifies over the exact body bytes, and not over others", async () => {
    const p = party(kind);
    const signature = await p.signer.signDetached(body);
    expect(signature).toMatch(/^MI[A-Za-z0-9+/]+=*$/);
    expect(inspectCmsSignature(signature)).toEqual({
      attached: false,
      gost: kind.startsWith("GOST"),
      signers: 1,
    });
    const ok = await verifyCmsSignature(signature, { content: body, trusted: [p.ca] });
    expect(ok).toMatchObject({ valid: true });
    expect(ok.signerCertificate).toEqual(p.certificate);
    expect(ok.signingTime).toBeInstanceOf(Date);

    const other = body.slice();
    other[3] = (other[3] ?? 0) ^ 0x20;
    expect(await verifyCmsSignature(signature, { content: other })).toMatchObject({
      valid: false,
      code: "digest-mismatch",
    });
    expect(await verifyCmsSignature(signature)).toMatchObject({
      valid: false,
      code: "content-missing",
    });
  });

  it("makes an attached signature that carries the content", async () => {
    const p = party(kind);
    const signature = await p.signer.signAttached(text("b7b1abc9-f4ee-47db-8a20-f80ac83504e8"));
    expect(inspectCmsSignature(signature).attached).toBe(true);
    const result = await verifyCmsSignature(signature);
    expect(result.valid).toBe(true);
    expect(new TextDecoder().decode(result.content)).toBe("b7b1abc9-f4ee-47db-8a20-f80ac83504e8");
    expect(await verifyCmsSignature(signature, { content: text("another") })).toMatchObject({
      valid: false,
      code: "content-mismatch",
    });
  });

  it("signs empty content both ways", async () => {
    const p = party(kind);
    const empty = new Uint8Array(0);
    expect(
      (await verifyCmsSignature(await p.signer.signDetached(empty), { content: empty })).valid,
    ).toBe(true);
    const attached = await p.signer.signAttached(empty);
    expect(inspectCmsSignature(attached).attached).toBe(true);
    expect((await verifyCmsSignature(attached)).valid).toBe(true);
  });

  it("refuses a signature value that was changed, and a CA that is not trusted", async () => {
    const p = party(kind);
    const der = Buffer.from(await p.signer.signDetached(body), "base64");
    // The signature value is the last OCTET STRING of the DER: flip a bit near the end.
    der[der.length - 3] = (der[der.length - 3] ?? 0) ^ 0x01;
    expect(await verifyCmsSignature(new Uint8Array(der), { content: body })).toMatchObject({
      valid: false,
      code: "signature-invalid",
    });
    const otherCa = kind.startsWith("GOST")
      ? (
          await createGostTestCa({
            subject: "CN=Чужой УЦ",
            length: kind === "GOST-512" ? 512 : 256,
          })
        ).certificate
      : (await createTestCa({ commonName: "CN=Other", algorithm: kind as KeyAlgorithm }))
          .certificate;
    const signature = await p.signer.signDetached(body);
    expect(
      await verifyCmsSignature(signature, { content: body, trusted: [otherCa] }),
    ).toMatchObject({
      valid: false,
      code: "untrusted",
    });
  });
});

describe("software signer errors", () => {
  it("refuses a key that does not belong to the certificate", async () => {
    const stranger = generateGostKeyPair(256);
    const signer = new SoftwareSigner({
      certificate: party("GOST-256").certificate,
      privateKey: stranger.privateKey,
    });
    await expect(signer.signDetached(body)).rejects.toMatchObject({
      name: "SigningError",
      code: "key-mismatch",
    });
    const rsa = await createTestCa({ commonName: "CN=x" });
    const mixed = new SoftwareSigner({
      certificate: party("RSA").certificate,
      privateKey: rsa.privateKey,
    });
    await expect(mixed.signDetached(body)).rejects.toMatchObject({ code: "key-mismatch" });
  });

  it("refuses keys of other algorithms and certificates that are not certificates", async () => {
    const hmac = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    expect(
      () => new SoftwareSigner({ certificate: party("RSA").certificate, privateKey: hmac }),
    ).toThrow(SigningError);
    const signer = new SoftwareSigner({
      certificate: text("not a certificate"),
      privateKey: generateGostKeyPair().privateKey,
    });
    await expect(signer.signDetached(body)).rejects.toMatchObject({ code: "bad-certificate" });
  });

  it("answers non-base64 and non-CMS input with bad-signature", async () => {
    await expect(verifyCmsSignature("not base64!")).rejects.toMatchObject({
      code: "bad-signature",
    });
    await expect(verifyCmsSignature(Buffer.from("hello").toString("base64"))).rejects.toMatchObject(
      {
        code: "bad-signature",
      },
    );
    expect(() => inspectCmsSignature(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(
      SigningError,
    );
  });
});

describe("certificate ids", () => {
  it("names a certificate as ИС МДЛП user_id: decimal serial and SHA-1 thumbprint", async () => {
    const ids = certificateIds(party("GOST-256").certificate);
    expect(ids.serialNumber).toMatch(/^[1-9]\d{30,40}$/);
    expect(ids.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(() => certificateIds(text("x"))).toThrow(SigningError);
  });
});

describe("signers from PEM", () => {
  const pem = (der: Uint8Array, label: string) =>
    `-----BEGIN ${label}-----\n${Buffer.from(der)
      .toString("base64")
      .replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;

  it.each(["RSA", "ECDSA", "GOST-256"] as const)(
    "SoftwareSigner.fromPem with a %s PKCS#8 key",
    async (kind) => {
      let key: Uint8Array;
      let certificate: Uint8Array;
      if (kind === "GOST-256") {
        const ca = await createGostTestCa({ subject: "CN=PEM" });
        key = exportGostPrivateKey(ca.privateKey);
        certificate = ca.certificate;
      } else {
        const ca = await createTestCa({ commonName: "CN=PEM", algorithm: kind });
        key = new Uint8Array(await crypto.subtle.exportKey("pkcs8", ca.privateKey));
        certificate = ca.certificate;
      }
      const signer = await SoftwareSigner.fromPem(
        pem(certificate, "CERTIFICATE"),
        pem(key, "PRIVATE KEY"),
      );
      const result = await verifyCmsSignature(await signer.signDetached(body), { content: body });
      expect(result.valid).toBe(true);
      expect(result.signerCertificate).toEqual(certificate);
    },
  );

  it("refuses other key algorithms and text that is no key", async () => {
    const { privateKey } = (await import("node:crypto")).generateKeyPairSync("ed25519");
    const ed = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await expect(importSigningKey(ed)).rejects.toMatchObject({ code: "unsupported-algorithm" });
    await expect(
      importSigningKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
    ).rejects.toMatchObject({
      code: "bad-key",
    });
    await expect(SoftwareSigner.fromPem("-----BEGIN X-----", "k")).rejects.toMatchObject({
      code: "bad-certificate",
    });
  });
});

describe("base64 of signatures and certificates", () => {
  it("round-trips bytes, whitespace allowed", () => {
    const bytes = new Uint8Array([0x30, 0x82, 0xff, 0x00, 0xfb]);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(fromBase64(` ${toBase64(bytes).replace(/(.{4})/g, "$1\r\n")}\t`)).toEqual(bytes);
  });

  it("refuses empty text (no signature is empty) and text that is not strict base64", () => {
    for (const bad of ["", " \n ", "MII", "MI=", "MIIB==", "MI-B", "MIIB\u00e9"]) {
      expect(fromBase64(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it("refuses an empty signature as not base64", () => {
    expect(() => inspectCmsSignature("")).toThrow(
      expect.objectContaining({ code: "bad-signature", message: "The signature is not base64" }),
    );
  });
});
