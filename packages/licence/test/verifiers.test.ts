/**
 * The two verifiers behind `#licence-verify` (node:crypto under Node, Web Crypto elsewhere) run
 * the same table and must give the same verdicts; verifyLicenceSignature takes every key type the
 * same way and imports each key once.
 */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { verifyLicenceSignature } from "../src/signature.js";
import { signLicenceResponse } from "../src/signing.js";
import type { LicencePublicKey } from "../src/verify-key.js";
import * as nodeVerifier from "../src/verify-node.js";
import * as webVerifier from "../src/verify-web.js";

// A pass-through spy on whichever verifier the package resolves, to count key imports.
const importCount = vi.hoisted(() => ({ calls: 0 }));
vi.mock("#licence-verify", async (importOriginal) => {
  const original = await importOriginal<typeof nodeVerifier>();
  return {
    ...original,
    importVerifyKey: (key: LicencePublicKey) => {
      importCount.calls++;
      return original.importVerifyKey(key);
    },
  };
});

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const queryId = "20200127230600-7f1c";
const body = new TextEncoder().encode('{"Code":200,"Text":"OK"}');
const signedData = (id: string, bytes: Uint8Array) =>
  new Uint8Array(Buffer.concat([Buffer.from(id, "latin1"), bytes]));
const data = signedData(queryId, body);
const signature = new Uint8Array(
  Buffer.from(signLicenceResponse({ queryId, body, privateKey }), "base64"),
);

const webCryptoKey = () =>
  globalThis.crypto.subtle.importKey(
    "spki",
    publicKey.export({ type: "spki", format: "der" }),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );

/** A key object that is not Node's KeyObject but exports a JWK. */
const jwkOnly = { export: () => publicKey.export({ format: "jwk" }) as JsonWebKey };

const tampered = data.slice();
tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 0x01;
const flipped = signature.slice();
flipped[100] = flipped[100]! ^ 0x01;

/** Each case: the key, the signature, the data, and the verdict both verifiers must give. */
const TABLE: [
  string,
  LicencePublicKey,
  Uint8Array<ArrayBuffer>,
  Uint8Array<ArrayBuffer>,
  boolean,
][] = [
  ["a valid signature", publicPem, signature, data, true],
  ["a tampered body", publicPem, signature, tampered, false],
  ["another QueryID", publicPem, signature, signedData("20200127230600-7f1d", body), false],
  ["the body without the QueryID", publicPem, signature, new Uint8Array(body), false],
  [
    "another key",
    other.publicKey.export({ type: "spki", format: "pem" }).toString(),
    signature,
    data,
    false,
  ],
  ["a flipped signature bit", publicPem, flipped, data, false],
  ["a signature of zero bytes only", publicPem, new Uint8Array(256), data, false],
  [
    "a signature of all-one bytes (above the modulus)",
    publicPem,
    new Uint8Array(256).fill(0xff),
    data,
    false,
  ],
  ["a signature one byte short", publicPem, signature.slice(1), data, false],
  ["a signature one byte long", publicPem, new Uint8Array([0, ...signature]), data, false],
  ["an empty signature", publicPem, new Uint8Array(0), data, false],
];

const VERIFIERS = [
  ["node:crypto (verify-node.ts)", nodeVerifier],
  ["Web Crypto (verify-web.ts)", webVerifier],
] as const;

describe.each(VERIFIERS)("the %s verifier", (_name, verifier) => {
  it.each(TABLE)("%s", async (_case, key, sig, signed, verdict) => {
    const verifyKey = await verifier.importVerifyKey(key);
    expect(verifyKey.modulusBytes).toBe(256);
    expect(await verifyKey.verify(sig, signed)).toBe(verdict);
  });

  it("takes a public or private PEM, a KeyObject (public or private), a CryptoKey, a JWK exporter", async () => {
    for (const key of [
      publicPem,
      privatePem,
      publicKey,
      privateKey,
      await webCryptoKey(),
      jwkOnly,
    ]) {
      const verifyKey = await verifier.importVerifyKey(key);
      expect(await verifyKey.verify(signature, data)).toBe(true);
      expect(await verifyKey.verify(signature, tampered)).toBe(false);
    }
  });

  it("refuses keys it cannot check with as licence_key errors", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pss = await globalThis.crypto.subtle.generateKey(
      {
        name: "RSA-PSS",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      false,
      ["sign", "verify"],
    );
    const refused: LicencePublicKey[] = [
      ec.publicKey.export({ type: "spki", format: "pem" }).toString(),
      ec.publicKey,
      "not a key",
      "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n",
      pss.publicKey,
      { export: () => ({ kty: "EC" }) },
      {
        export: () => {
          throw new Error("no");
        },
      },
    ];
    for (const key of refused) {
      await expect(verifier.importVerifyKey(key)).rejects.toMatchObject({ code: "licence_key" });
    }
  });
});

describe("verifyLicenceSignature and its keys", () => {
  const headers = new Headers({
    "licence-queryid": queryId,
    "licence-signature": Buffer.from(signature).toString("base64"),
  });
  const check = (key: LicencePublicKey) =>
    verifyLicenceSignature({ sentQueryId: queryId, headers, body, publicKey: key });

  it("verifies on Node with node:crypto (the `node` target of #licence-verify)", async () => {
    const resolved = await import("#licence-verify");
    // The mock wraps the resolved module: its other exports are the node verifier's own.
    expect(Object.keys(resolved).sort()).toEqual(Object.keys(nodeVerifier).sort());
    expect(import.meta.resolve("#licence-verify")).toMatch(/verify-node\.ts$/);
  });

  it("imports a PEM key once: later answers checked with it import nothing", async () => {
    const pem = other.publicKey.export({ type: "spki", format: "pem" }).toString();
    const otherHeaders = new Headers({
      "licence-queryid": queryId,
      "licence-signature": signLicenceResponse({ queryId, body, privateKey: other.privateKey }),
    });
    const before = importCount.calls;
    const run = () =>
      verifyLicenceSignature({ sentQueryId: queryId, headers: otherHeaders, body, publicKey: pem });
    await run();
    expect(importCount.calls).toBe(before + 1);
    await Promise.all([run(), run(), run()]);
    expect(importCount.calls).toBe(before + 1);
  });

  it("takes a CryptoKey, a KeyObject, a private key's PEM (its public half)", async () => {
    await expect(check(await webCryptoKey())).resolves.toBeUndefined();
    await expect(check(privateKey)).resolves.toBeUndefined();
    await expect(check(privatePem)).resolves.toBeUndefined();
    await expect(check(other.publicKey)).rejects.toMatchObject({ reason: "invalid-signature" });
  });

  it("refuses keys it cannot check with as licence_key errors", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    for (const key of [ec.publicKey, "not a key"]) {
      await expect(check(key)).rejects.toMatchObject({ code: "licence_key" });
    }
  });
});
