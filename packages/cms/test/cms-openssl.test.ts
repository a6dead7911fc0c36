/**
 * Interoperability of the CMS module with OpenSSL (`openssl cms`, `openssl verify`,
 * `openssl req`, `openssl x509`), both ways, for RSA and ECDSA P-256.
 */

import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CmsDecryptError,
  createCertificateRequest,
  createTestCa,
  decryptCms,
  describeCertificate,
  encryptCms,
  issueCertificate,
  type KeyAlgorithm,
  type KeyAndCertificate,
  signCms,
  toPem,
  verifyCms,
} from "../src/index.js";

function opensslVersion(): string | undefined {
  try {
    return execFileSync("openssl", ["version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}
const version = opensslVersion();
if (!version) console.warn("cms-openssl tests skipped: the `openssl` command is not installed");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs openssl with `args` in the temp dir; never rejects, the exit code is in the result. */
function openssl(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile("openssl", args, { cwd: dir, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir = "";
const file = (name: string) => join(dir, name);
const write = (name: string, data: Uint8Array | string) => writeFileSync(file(name), data);
const read = (name: string) => new Uint8Array(readFileSync(file(name)));
const text = (s: string) => new TextEncoder().encode(s);

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey("pkcs8", key));
  const b64 = der.toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN PRIVATE KEY-----\n${b64}-----END PRIVATE KEY-----\n`;
}

interface Party {
  ca: KeyAndCertificate;
  user: KeyAndCertificate;
  /** File names in the temp dir. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

const parties: Partial<Record<KeyAlgorithm, Party>> = {};
const party = (a: KeyAlgorithm): Party => {
  const p = parties[a];
  if (!p) throw new Error(`no party for ${a}`);
  return p;
};

describe.skipIf(!version)(`interoperability with ${version ?? "openssl (missing)"}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "trustspec-cms-"));
    for (const algorithm of ["RSA", "ECDSA"] as const) {
      const ca = await createTestCa({
        commonName: `CN=УЦ ${algorithm}, O=Trustspec, C=RU`,
        algorithm,
      });
      const issued = await issueCertificate(ca, {
        subject: `CN=Пользователь ${algorithm}, O=Test`,
        algorithm,
      });
      const user = { ...issued, privateKey: issued.privateKey as CryptoKey };
      const p: Party = {
        ca,
        user,
        caPem: `ca-${algorithm}.pem`,
        certPem: `cert-${algorithm}.pem`,
        keyPem: `key-${algorithm}.pem`,
      };
      write(p.caPem, toPem(ca.certificate, "CERTIFICATE"));
      write(p.certPem, toPem(user.certificate, "CERTIFICATE"));
      write(p.keyPem, await keyPem(user.privateKey));
      parties[algorithm] = p;
    }
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.each(["RSA", "ECDSA"] as const)("%s", (algorithm) => {
    const data = text("Данные для openssl\n\x00\x01\x02 binary tail");

    it("openssl verifies our certificate chain, request and certificate facts", async () => {
      const p = party(algorithm);
      expect(await openssl(["verify", "-CAfile", p.caPem, p.certPem])).toMatchObject({ code: 0 });
      const other = await createTestCa({ commonName: "CN=Other", algorithm });
      write("other-ca.pem", toPem(other.certificate, "CERTIFICATE"));
      expect((await openssl(["verify", "-CAfile", "other-ca.pem", p.certPem])).code).not.toBe(0);

      const req = await createCertificateRequest({ subject: "CN=Запрос, O=Test", algorithm });
      write("req.der", req.request);
      expect(
        await openssl(["req", "-verify", "-noout", "-inform", "DER", "-in", "req.der"]),
      ).toMatchObject({
        code: 0,
      });

      const facts = describeCertificate(p.user.certificate);
      const shown = await openssl([
        "x509",
        "-in",
        p.certPem,
        "-noout",
        "-serial",
        "-fingerprint",
        "-sha1",
        "-subject",
        "-issuer",
        "-nameopt",
        "RFC2253,-esc_msb",
        "-dates",
      ]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`serial=${facts.serialNumber}`);
      expect(shown.stdout).toContain(
        `Fingerprint=${facts.thumbprint.replace(/(..)(?!$)/g, "$1:")}`,
      );
      expect(shown.stdout).toContain(`subject=${facts.subject.replace(/, /g, ",")}`);
      expect(shown.stdout).toContain(`issuer=${facts.issuer.replace(/, /g, ",")}`);
    });

    it("openssl verifies our detached signature, and fails on tampered content", async () => {
      const p = party(algorithm);
      write("sig.der", await signCms(data, p.user));
      write("data.bin", data);
      const args = [
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "sig.der",
        "-content",
        "data.bin",
        "-CAfile",
        p.caPem,
        "-purpose",
        "any",
        "-out",
        "verified.bin",
      ];
      const ok = await openssl(args);
      expect(ok.stderr).toMatch(/Verification successful/);
      expect(ok.code).toBe(0);

      write(
        "data.bin",
        data.map((b, i) => (i === 5 ? b ^ 1 : b)),
      );
      const bad = await openssl(args);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/digest failure|Verification failure/i);
    });

    it("openssl verifies our attached signature and extracts the content", async () => {
      const p = party(algorithm);
      write("att.der", await signCms(data, p.user, { detached: false }));
      const ok = await openssl([
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "att.der",
        "-CAfile",
        p.caPem,
        "-purpose",
        "any",
        "-out",
        "out.bin",
      ]);
      expect(ok.code).toBe(0);
      expect(read("out.bin")).toEqual(data);
      // Our signingCertificateV2 is well-formed enough for openssl's CAdES check too.
      const cades = await openssl([
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "att.der",
        "-CAfile",
        p.caPem,
        "-purpose",
        "any",
        "-cades",
        "-out",
        "out2.bin",
      ]);
      expect(cades.code).toBe(0);
    });

    it("openssl verifies our attached signature of empty content", async () => {
      const p = party(algorithm);
      write("empty.der", await signCms(new Uint8Array(), p.user, { detached: false }));
      const ok = await openssl([
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "empty.der",
        "-CAfile",
        p.caPem,
        "-purpose",
        "any",
        "-out",
        "empty.bin",
      ]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(read("empty.bin")).toEqual(new Uint8Array());
    });

    it.each([
      ["detached", []],
      ["attached", ["-nodetach"]],
      ["detached CAdES", ["-cades"]],
    ])(
      "verifyCms accepts an openssl %s signature and rejects it for other content",
      async (_, flags) => {
        const p = party(algorithm);
        write("data.bin", data);
        const made = await openssl([
          "cms",
          "-sign",
          "-binary",
          "-outform",
          "DER",
          "-in",
          "data.bin",
          "-signer",
          p.certPem,
          "-inkey",
          p.keyPem,
          "-md",
          "sha256",
          ...flags,
          "-out",
          "os-sig.der",
        ]);
        expect(made.code, made.stderr).toBe(0);
        const signature = read("os-sig.der");
        const detached = !flags.includes("-nodetach");
        const result = await verifyCms(signature, {
          ...(detached ? { content: data } : {}),
          trusted: [p.ca.certificate],
        });
        expect(result).toMatchObject({ valid: true, content: data });
        expect(result.signerCertificate).toEqual(p.user.certificate);
        expect(result.signingTime).toBeInstanceOf(Date);

        const wrong = await verifyCms(signature, { content: text("something else") });
        expect(wrong.valid).toBe(false);
        expect(wrong.code).toBe(detached ? "digest-mismatch" : "content-mismatch");
      },
    );

    it("openssl decrypts our EnvelopedData with the recipient's key", async () => {
      const p = party(algorithm);
      write("env.der", await encryptCms(data, [p.user.certificate]));
      const ok = await openssl([
        "cms",
        "-decrypt",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "env.der",
        "-recip",
        p.certPem,
        "-inkey",
        p.keyPem,
        "-out",
        "plain.bin",
      ]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(read("plain.bin")).toEqual(data);

      const other = party(algorithm === "RSA" ? "ECDSA" : "RSA");
      const bad = await openssl([
        "cms",
        "-decrypt",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "env.der",
        "-recip",
        other.certPem,
        "-inkey",
        other.keyPem,
        "-out",
        "plain2.bin",
      ]);
      expect(bad.code).not.toBe(0);
    });

    it("decryptCms decrypts openssl's EnvelopedData", async () => {
      const p = party(algorithm);
      write("data.bin", data);
      const keyopts =
        algorithm === "RSA"
          ? ["-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256"]
          : [];
      const made = await openssl([
        "cms",
        "-encrypt",
        "-binary",
        "-outform",
        "DER",
        "-aes256",
        "-in",
        "data.bin",
        "-recip",
        p.certPem,
        ...keyopts,
        "-out",
        "os-env.der",
      ]);
      expect(made.code, made.stderr).toBe(0);
      expect(await decryptCms(read("os-env.der"), p.user)).toEqual(data);
    });
  });

  it("decryptCms says RSAES-PKCS1-v1_5 (openssl's RSA default) is unsupported", async () => {
    const p = party("RSA");
    write("data.bin", text("v1.5"));
    const made = await openssl([
      "cms",
      "-encrypt",
      "-binary",
      "-outform",
      "DER",
      "-aes256",
      "-in",
      "data.bin",
      "-out",
      "os-env15.der",
      p.certPem,
    ]);
    expect(made.code, made.stderr).toBe(0);
    const error = await decryptCms(read("os-env15.der"), p.user).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CmsDecryptError);
    expect((error as CmsDecryptError).reason).toBe("unsupported");
  });

  it("decryptCms decrypts openssl's EnvelopedData with OAEP SHA-1 defaults", async () => {
    const p = party("RSA");
    write("data.bin", text("oaep sha1"));
    const made = await openssl([
      "cms",
      "-encrypt",
      "-binary",
      "-outform",
      "DER",
      "-aes128",
      "-in",
      "data.bin",
      "-recip",
      p.certPem,
      "-keyopt",
      "rsa_padding_mode:oaep",
      "-out",
      "os-oaep1.der",
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect(await decryptCms(read("os-oaep1.der"), p.user)).toEqual(text("oaep sha1"));
  });
});
