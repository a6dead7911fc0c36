/**
 * Interoperability of the signers' CMS with OpenSSL, both ways: `openssl cms -verify` checks our
 * detached and attached signatures (the registration's X-Signature, the ГИС МТ sign-in) and our
 * certificates, and `openssl cms -sign` signatures pass our verification. RSA and ECDSA P-256
 * need only `openssl`; GOST R 34.10-2012 (256 and 512 bits, Streebog) needs OpenSSL's GOST
 * engine, Debian's libengine-gost-openssl, which `scripts/setup-gost-openssl.sh` installs (the
 * package's test script runs it first). Where the engine is missing the GOST cases are skipped with a warning, but
 * never under CI (CI=true): there a missing engine fails the suite.
 */

import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestCa, issueCertificate, toPem } from "@trustspec/cms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createGostTestCa,
  exportGostPrivateKey,
  issueGostCertificate,
  SoftwareSigner,
  verifyCmsSignature,
} from "../src/index.js";

function works(args: string[]): string | undefined {
  try {
    return execFileSync("openssl", args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch {
    return undefined;
  }
}
const version = works(["version"]);
const gostEngine = version ? works(["engine", "gost"]) !== undefined : false;
if (!version) console.warn("signing-openssl: skipped, the `openssl` command is not installed");
if (version && !gostEngine) {
  const message =
    "signing-openssl: OpenSSL's GOST engine is missing; run scripts/setup-gost-openssl.sh (Debian: apt-get install libengine-gost-openssl)";
  if (process.env.CI)
    throw new Error(`${message}. Under CI the GOST interoperability test must run.`);
  console.warn(`${message}; the GOST cases are skipped`);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir = "";
const file = (name: string) => join(dir, name);
const write = (name: string, data: Uint8Array | string) => writeFileSync(file(name), data);
const read = (name: string) => new Uint8Array(readFileSync(file(name)));

function openssl(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile("openssl", args, { cwd: dir, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
        stdout,
        stderr,
      });
    });
  });
}

function pkcs8Pem(der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString("base64")
    .replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN PRIVATE KEY-----\n${b64}-----END PRIVATE KEY-----\n`;
}

type Kind = "RSA" | "ECDSA" | "GOST-256" | "GOST-512";
interface Party {
  signer: SoftwareSigner;
  ca: Uint8Array;
  certificate: Uint8Array;
  /** `-engine gost` and the digest for openssl. */
  engine: string[];
  md: string;
}
const parties = new Map<Kind, Party>();
const names = (k: Kind) => ({ ca: `ca-${k}.pem`, cert: `cert-${k}.pem`, key: `key-${k}.pem` });
const body = new TextEncoder().encode(
  '{"address":"г.Москва, ул. Ленинские горы, 1","name":"Наименование"}',
);

const kinds: Kind[] = ["RSA", "ECDSA", "GOST-256", "GOST-512"];
const enabled = (k: Kind) => (k.startsWith("GOST") ? gostEngine : true);

describe.skipIf(!version)(`CMS interoperability with ${version ?? "openssl (missing)"}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "trustspec-suz-openssl-"));
    for (const kind of kinds) {
      let party: Party;
      let key: Uint8Array;
      if (kind === "RSA" || kind === "ECDSA") {
        const ca = await createTestCa({ commonName: `CN=УЦ ${kind}`, algorithm: kind });
        const user = await issueCertificate(ca, {
          subject: "CN=Участник оборота",
          algorithm: kind,
        });
        key = new Uint8Array(await crypto.subtle.exportKey("pkcs8", user.privateKey!));
        party = {
          signer: new SoftwareSigner({
            certificate: user.certificate,
            privateKey: user.privateKey!,
          }),
          ca: ca.certificate,
          certificate: user.certificate,
          engine: [],
          md: "sha256",
        };
      } else {
        const length = kind === "GOST-256" ? 256 : 512;
        const ca = await createGostTestCa({ subject: `CN=УЦ ГОСТ ${length}, C=RU`, length });
        const user = await issueGostCertificate(ca, { subject: "CN=Участник оборота", length });
        key = exportGostPrivateKey(user.privateKey);
        party = {
          signer: new SoftwareSigner({
            certificate: user.certificate,
            privateKey: user.privateKey,
          }),
          ca: ca.certificate,
          certificate: user.certificate,
          engine: ["-engine", "gost"],
          md: length === 256 ? "md_gost12_256" : "md_gost12_512",
        };
      }
      write(names(kind).ca, toPem(party.ca, "CERTIFICATE"));
      write(names(kind).cert, toPem(party.certificate, "CERTIFICATE"));
      write(names(kind).key, pkcs8Pem(key));
      parties.set(kind, party);
    }
    write("body.json", body);
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.each(kinds)("%s", (kind) => {
    const p = () => parties.get(kind)!;
    const verifyArgs = (input: string, extra: string[]) => [
      "cms",
      "-verify",
      ...p().engine,
      "-binary",
      "-inform",
      "DER",
      "-in",
      input,
      "-CAfile",
      names(kind).ca,
      "-purpose",
      "any",
      ...extra,
    ];

    it.skipIf(!enabled(kind))("openssl verifies our certificate against our CA", async () => {
      const ok = await openssl([
        "verify",
        ...p().engine,
        "-CAfile",
        names(kind).ca,
        names(kind).cert,
      ]);
      expect(ok.code, ok.stderr).toBe(0);
    });

    it.skipIf(!enabled(kind))(
      "openssl cms -verify accepts our detached X-Signature over the body, and refuses other bytes",
      async () => {
        write("detached.der", Buffer.from(await p().signer.signDetached(body), "base64"));
        const ok = await openssl(
          verifyArgs("detached.der", ["-content", "body.json", "-out", "/dev/null"]),
        );
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stderr).toMatch(/Verification successful/);
        write(
          "other.json",
          body.map((b, i) => (i === 2 ? b ^ 1 : b)),
        );
        const bad = await openssl(
          verifyArgs("detached.der", ["-content", "other.json", "-out", "/dev/null"]),
        );
        expect(bad.code).not.toBe(0);
        expect(bad.stderr).toMatch(/digest failure|Verification failure/i);
      },
    );

    it.skipIf(!enabled(kind))(
      "openssl cms -verify accepts our attached signature and gives back the content (also as CAdES)",
      async () => {
        const challenge = new TextEncoder().encode("ZGF0YSB0byBzaWdu-challenge");
        write("attached.der", Buffer.from(await p().signer.signAttached(challenge), "base64"));
        const ok = await openssl(verifyArgs("attached.der", ["-out", "out.bin"]));
        expect(ok.code, ok.stderr).toBe(0);
        expect(read("out.bin")).toEqual(challenge);
        const cades = await openssl(verifyArgs("attached.der", ["-cades", "-out", "out2.bin"]));
        expect(cades.code, cades.stderr).toBe(0);
      },
    );

    it.skipIf(!enabled(kind))(
      "our verification accepts openssl's detached and attached signatures made with our key",
      async () => {
        for (const flags of [[], ["-nodetach"]]) {
          const made = await openssl([
            "cms",
            "-sign",
            ...p().engine,
            "-binary",
            "-outform",
            "DER",
            "-in",
            "body.json",
            "-signer",
            names(kind).cert,
            "-inkey",
            names(kind).key,
            "-md",
            p().md,
            ...flags,
            "-out",
            "os.der",
          ]);
          expect(made.code, made.stderr).toBe(0);
          const detached = flags.length === 0;
          const result = await verifyCmsSignature(read("os.der"), {
            ...(detached ? { content: body } : {}),
            trusted: [p().ca],
          });
          expect(result, result.reason).toMatchObject({ valid: true, content: body });
          expect(result.signerCertificate).toEqual(p().certificate);
          const wrong = await verifyCmsSignature(read("os.der"), {
            content: new Uint8Array([1, 2]),
          });
          expect(wrong.valid).toBe(false);
        }
      },
    );
  });
});

describe.skipIf(!version || !gostEngine)("a GOST key and certificate made by openssl", () => {
  it.each([
    ["gost2012_256", "md_gost12_256"],
    ["gost2012_512", "md_gost12_512"],
  ])("%s: SoftwareSigner.fromPem signs, openssl cms -verify accepts", async (algorithm, md) => {
    const work = mkdtempSync(join(tmpdir(), "trustspec-suz-openssl-key-"));
    const run = (args: string[]) =>
      execFileSync("openssl", args, { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
    try {
      run([
        "genpkey",
        "-engine",
        "gost",
        "-algorithm",
        algorithm,
        "-pkeyopt",
        "paramset:A",
        "-out",
        "key.pem",
      ]);
      run([
        "req",
        "-engine",
        "gost",
        "-new",
        "-x509",
        "-key",
        "key.pem",
        "-subj",
        "/CN=openssl GOST",
        "-days",
        "2",
        `-${md}`,
        "-out",
        "cert.pem",
      ]);
      const signer = await SoftwareSigner.fromPem(
        readFileSync(join(work, "cert.pem"), "utf8"),
        readFileSync(join(work, "key.pem"), "utf8"),
      );
      writeFileSync(join(work, "body.json"), body);
      writeFileSync(join(work, "sig.der"), Buffer.from(await signer.signDetached(body), "base64"));
      const out = run([
        "cms",
        "-verify",
        "-engine",
        "gost",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "sig.der",
        "-content",
        "body.json",
        "-CAfile",
        "cert.pem",
        "-purpose",
        "any",
        "-out",
        "/dev/null",
      ]);
      expect(out).toBeDefined();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
