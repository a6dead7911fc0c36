import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { licenceResponseSignature } from "../src/index.js";
import {
  createQueryId,
  LICENCE_VENDOR_PUBLIC_KEY_PEM,
  LicenceSignatureError,
  type LicenceSignatureFailure,
  parseSha256DigestInfoBlock,
  verifyLicenceSignature,
} from "../src/signature.js";
import { recoverPkcs1v15Block, signLicenceResponse } from "../src/signing.js";
import {
  documentExample,
  documentExampleRecoveredDigestHex,
  mdOcrPublicKeyPem,
  mdOcrQuerySignature,
} from "./fixtures/vendor-document.js";

const SHA256_DIGEST_INFO_HEX = "3031300d060960864801650304020105000420";
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("the vendor key (key proof against the document's example)", () => {
  const example = documentExample.headers["Licence-QuerySignature"];

  it("is an RSA 2048-bit key with e = 65537, and its PEM has 64-character lines", () => {
    const key = createPublicKey(LICENCE_VENDOR_PUBLIC_KEY_PEM);
    expect(key.asymmetricKeyType).toBe("rsa");
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(key.asymmetricKeyDetails?.publicExponent).toBe(65537n);
    const body = LICENCE_VENDOR_PUBLIC_KEY_PEM.trim().split("\n").slice(1, -1);
    expect(body.slice(0, -1).every((line) => line.length === 64)).toBe(true);
  });

  it("the example signature is base64 of 256 bytes", () => {
    expect(example).toHaveLength(344);
    expect(Buffer.from(example, "base64")).toHaveLength(256);
  });

  it("the example signature opens under the bundled key to a PKCS#1 v1.5 SHA-256 block", () => {
    const block = recoverPkcs1v15Block(example, LICENCE_VENDOR_PUBLIC_KEY_PEM);
    expect(block).toHaveLength(256);
    expect(block[0]).toBe(0x00);
    expect(block[1]).toBe(0x01);
    const tail = SHA256_DIGEST_INFO_HEX.length / 2 + 32;
    const separator = block.length - tail - 1;
    expect(separator).toBe(2 + 202);
    expect(block.subarray(2, separator).every((b) => b === 0xff)).toBe(true);
    expect(block[separator]).toBe(0x00);
    expect(hex(block.subarray(separator + 1, separator + 1 + 19))).toBe(SHA256_DIGEST_INFO_HEX);

    const parsed = parseSha256DigestInfoBlock(block);
    expect(parsed).not.toBeNull();
    expect(parsed!.digest).toHaveLength(32);
    expect(hex(parsed!.digest)).toBe(documentExampleRecoveredDigestHex);
  });

  it("the OCR-damaged .md key does not open the example signature", () => {
    expect(mdOcrPublicKeyPem).not.toBe(LICENCE_VENDOR_PUBLIC_KEY_PEM);
    const key = createPublicKey(mdOcrPublicKeyPem);
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(parseSha256DigestInfoBlock(recoverPkcs1v15Block(example, key))).toBeNull();
  });

  it("the OCR-damaged .md signature does not open under the bundled key", () => {
    expect(mdOcrQuerySignature).not.toBe(example);
    const block = recoverPkcs1v15Block(mdOcrQuerySignature, LICENCE_VENDOR_PUBLIC_KEY_PEM);
    expect(parseSha256DigestInfoBlock(block)).toBeNull();
  });

  it("verifyLicenceSignature defaults to the vendor key and reads the example's header name", async () => {
    // The body is not printed in the document, so a made-up body must fail as a bad signature
    // (not as a missing or malformed one): the alias header, the QueryID echo and the size pass.
    const error = await catchError(() =>
      verifyLicenceSignature({
        sentQueryId: documentExample.headers["Licence-QueryID"],
        headers: new Headers(documentExample.headers),
        body: new Uint8Array(146),
      }),
    );
    expect(error.reason).toBe("invalid-signature");
  });
});

describe("parseSha256DigestInfoBlock", () => {
  const good = () => {
    const block = new Uint8Array(256).fill(0xff);
    block[0] = 0;
    block[1] = 1;
    block[256 - 52] = 0;
    block.set(Buffer.from(SHA256_DIGEST_INFO_HEX, "hex"), 256 - 51);
    block.fill(7, 256 - 32);
    return block;
  };

  it("accepts a well-formed block and returns its digest", () => {
    expect(hex(parseSha256DigestInfoBlock(good())!.digest)).toBe("07".repeat(32));
  });

  it.each([
    ["first byte", 0, 0x01],
    ["block type", 1, 0x02],
    ["padding byte", 100, 0xfe],
    ["separator", 256 - 52, 0xff],
    ["DigestInfo prefix", 256 - 40, 0x00],
  ])("rejects a block with a wrong %s", (_name, index, value) => {
    const block = good();
    block[index] = value;
    expect(parseSha256DigestInfoBlock(block)).toBeNull();
  });

  it("rejects a block too short for eight padding bytes", async () => {
    expect(parseSha256DigestInfoBlock(good().subarray(200))).toBeNull();
  });
});

async function catchError(run: () => Promise<void>): Promise<LicenceSignatureError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(LicenceSignatureError);
    return error as LicenceSignatureError;
  }
  throw new Error("expected a LicenceSignatureError, nothing was thrown");
}

describe("sign and verify with a key pair made at test time", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const body = new TextEncoder().encode(
    '{"Code":400,"Text":"Bad Request","Message":"Ключ не найден","Exception":"EHTTPBadRequest"}',
  );
  const queryId = "20200127230600-7f1c";

  function signed(overrides: Record<string, string | null> = {}, signWith = privateKey) {
    const headers = new Headers({
      "content-type": "application/json;charset=utf-8",
      "licence-queryid": queryId,
      "licence-signature": signLicenceResponse({ queryId, body, privateKey: signWith }),
    });
    for (const [name, value] of Object.entries(overrides)) {
      if (value === null) headers.delete(name);
      else headers.set(name, value);
    }
    return headers;
  }

  async function failure(
    headers: Headers,
    options: { body?: Uint8Array; sentQueryId?: string; publicKey?: KeyObject | string } = {},
  ): Promise<LicenceSignatureFailure> {
    return (
      await catchError(() =>
        verifyLicenceSignature({
          sentQueryId: options.sentQueryId ?? queryId,
          headers,
          body: options.body ?? body,
          publicKey: options.publicKey ?? publicKey,
        }),
      )
    ).reason;
  }

  it("a signed answer verifies (KeyObject and PEM keys)", async () => {
    const headers = signed();
    expect(Buffer.from(headers.get("licence-signature")!, "base64")).toHaveLength(256);
    await expect(
      verifyLicenceSignature({ sentQueryId: queryId, headers, body, publicKey }),
    ).resolves.toBeUndefined();
    await expect(
      verifyLicenceSignature({ sentQueryId: queryId, headers, body, publicKey: publicPem }),
    ).resolves.toBeUndefined();
    // twice with the same PEM: the second call uses the cached KeyObject
    await expect(
      verifyLicenceSignature({ sentQueryId: queryId, headers, body, publicKey: publicPem }),
    ).resolves.toBeUndefined();
  });

  it("signs with a PEM private key, and the signature covers the QueryID followed by the body", () => {
    const fromPem = signLicenceResponse({ queryId, body, privateKey: privatePem });
    expect(fromPem).toBe(signLicenceResponse({ queryId, body, privateKey }));
    const joined = Buffer.concat([Buffer.from(queryId), body]);
    expect(signLicenceResponse({ queryId: "", body: joined, privateKey })).toBe(fromPem);
  });

  it("a body that is a view into a larger buffer verifies", async () => {
    const big = new Uint8Array(body.length + 20);
    big.set(body, 10);
    const view = big.subarray(10, 10 + body.length);
    await expect(
      verifyLicenceSignature({ sentQueryId: queryId, headers: signed(), body: view, publicKey }),
    ).resolves.toBeUndefined();
  });

  it("an empty body verifies", async () => {
    const empty = new Uint8Array(0);
    const headers = new Headers({
      "licence-queryid": queryId,
      "licence-signature": signLicenceResponse({ queryId, body: empty, privateKey }),
    });
    await expect(
      verifyLicenceSignature({ sentQueryId: queryId, headers, body: empty, publicKey }),
    ).resolves.toBeUndefined();
  });

  it("without a QueryID sent or echoed, the signature covers the body alone", async () => {
    const headers = new Headers({
      "licence-signature": signLicenceResponse({ queryId: "", body, privateKey }),
    });
    await expect(
      verifyLicenceSignature({ sentQueryId: "", headers, body, publicKey }),
    ).resolves.toBeUndefined();
  });

  it("accepts the document's header name Licence-QuerySignature", async () => {
    const signature = signLicenceResponse({ queryId, body, privateKey });
    const headers = signed({ "licence-signature": null, "Licence-QuerySignature": signature });
    await expect(
      verifyLicenceSignature({ sentQueryId: queryId, headers, body, publicKey }),
    ).resolves.toBeUndefined();
  });

  describe("tampering", () => {
    it("a flipped body byte: invalid-signature", async () => {
      const tampered = Uint8Array.from(body);
      tampered[5]! ^= 0x01;
      expect(await failure(signed(), { body: tampered })).toBe("invalid-signature");
    });

    it("a flipped signature byte: invalid-signature", async () => {
      const bytes = Buffer.from(signed().get("licence-signature")!, "base64");
      bytes[100]! ^= 0x80;
      expect(await failure(signed({ "licence-signature": bytes.toString("base64") }))).toBe(
        "invalid-signature",
      );
    });

    it("a swapped QueryID (the echo differs from the one sent): query-id-mismatch", async () => {
      expect(await failure(signed({ "licence-queryid": "20200127230601-7f1c" }))).toBe(
        "query-id-mismatch",
      );
      expect(await failure(signed(), { sentQueryId: "20200127230601-7f1c" })).toBe(
        "query-id-mismatch",
      );
    });

    it("an answer replayed for another request, re-labelled with its QueryID: invalid-signature", async () => {
      const other = "20200127230601-0000";
      expect(await failure(signed({ "licence-queryid": other }), { sentQueryId: other })).toBe(
        "invalid-signature",
      );
    });

    it("the QueryID echo missing: missing-query-id", async () => {
      expect(await failure(signed({ "licence-queryid": null }))).toBe("missing-query-id");
    });

    it("the signature header missing (or empty): missing-signature", async () => {
      expect(await failure(signed({ "licence-signature": null }))).toBe("missing-signature");
      expect(await failure(signed({ "licence-signature": "" }))).toBe("missing-signature");
    });

    it("signed with another key: invalid-signature", async () => {
      expect(await failure(signed({}, other.privateKey))).toBe("invalid-signature");
      expect(await failure(signed(), { publicKey: other.publicKey })).toBe("invalid-signature");
    });

    it("the vendor key (default) on an answer signed with a test key: invalid-signature", async () => {
      expect(
        (
          await catchError(() =>
            verifyLicenceSignature({ sentQueryId: queryId, headers: signed(), body }),
          )
        ).reason,
      ).toBe("invalid-signature");
    });

    it("a truncated signature: malformed-signature", async () => {
      const signature = signed().get("licence-signature")!;
      expect(await failure(signed({ "licence-signature": signature.slice(0, 200) }))).toBe(
        "malformed-signature",
      );
      const short = Buffer.from(signature, "base64").subarray(0, 255).toString("base64");
      expect(await failure(signed({ "licence-signature": short }))).toBe("malformed-signature");
    });

    it("non-base64 garbage: malformed-signature", async () => {
      expect(await failure(signed({ "licence-signature": "not a signature!" }))).toBe(
        "malformed-signature",
      );
      const signature = signed().get("licence-signature")!;
      const garbled = `${signature.slice(0, 10)}*${signature.slice(11)}`;
      expect(await failure(signed({ "licence-signature": garbled }))).toBe("malformed-signature");
      const spaced = `${signature.slice(0, 10)} ${signature.slice(11)}`;
      expect(await failure(signed({ "licence-signature": spaced }))).toBe("malformed-signature");
      const early = `${signature.slice(0, 10)}=${signature.slice(11)}`;
      expect(await failure(signed({ "licence-signature": early }))).toBe("malformed-signature");
      const unpadded = `${signature.slice(0, -2)}AA`;
      expect(await failure(signed({ "licence-signature": unpadded }))).toBe("malformed-signature");
      // base64url characters decode in Node's lenient "base64" but are not the header's alphabet
      for (const char of ["-", "_"]) {
        const url = `${char}${signature.slice(1)}`;
        expect(await failure(signed({ "licence-signature": url }))).toBe("malformed-signature");
      }
      expect(await failure(signed({ "licence-signature": "=".repeat(344) }))).toBe(
        "malformed-signature",
      );
    });

    it("the error has code licence_signature and never quotes the body", async () => {
      const tampered = Uint8Array.from(body);
      tampered[0] = 0x5b;
      const error = await catchError(() =>
        verifyLicenceSignature({
          sentQueryId: queryId,
          headers: signed(),
          body: tampered,
          publicKey,
        }),
      );
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe("licence_signature");
      expect(error.name).toBe("LicenceSignatureError");
      expect(error.message).not.toContain("Bad Request");
      expect(error.message).not.toContain("Ключ");
    });
  });
});

// The keys verifyLicenceSignature takes, its key cache and both verifiers: verifiers.test.ts.

describe("createQueryId", () => {
  it("gives 10 000 distinct header-safe values", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) ids.add(createQueryId());
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(/^\d{17}-[0-9a-f-]{36}$/);
  });

  it("starts with the current UTC time", () => {
    const before = new Date().toISOString().replace(/\D/g, "").slice(0, 12);
    const id = createQueryId();
    expect(id.slice(0, 12) >= before).toBe(true);
    expect(() => new Headers({ "licence-queryid": id })).not.toThrow();
  });

  it("carries the time to the millisecond across seconds, and when the clock goes back", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const at = (iso: string) => {
        vi.setSystemTime(new Date(iso));
        return createQueryId().slice(0, 17);
      };
      expect(at("2020-01-27T23:06:00.007Z")).toBe("20200127230600007");
      expect(at("2020-01-27T23:06:00.010Z")).toBe("20200127230600010");
      expect(at("2020-01-27T23:06:00.123Z")).toBe("20200127230600123");
      expect(at("2020-01-27T23:06:01.000Z")).toBe("20200127230601000");
      expect(at("2020-01-27T23:59:59.999Z")).toBe("20200127235959999");
      expect(at("2020-01-28T00:00:00.050Z")).toBe("20200128000000050");
      expect(at("2019-12-31T23:59:59.999Z")).toBe("20191231235959999");
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("licenceResponseSignature (generated from the spec's x-trustspec-response-signature)", () => {
  // Stated here by hand on purpose: the spec is checked against the vendor's document, not
  // against itself.
  it("names the headers and the scheme of the vendor's document", () => {
    expect(licenceResponseSignature).toEqual({
      algorithm: "RSASSA-PKCS1-v1_5-SHA256",
      signatureHeader: "Licence-Signature",
      signatureHeaderAliases: ["Licence-QuerySignature"],
      queryIdHeader: "Licence-QueryID",
      signedContent: "queryId+body",
    });
    const exampleHeaders = Object.keys(documentExample.headers);
    expect(exampleHeaders).toContain(licenceResponseSignature.queryIdHeader);
    expect(exampleHeaders).toContain(licenceResponseSignature.signatureHeaderAliases[0]);
  });

  it("is what signing and verification use: a signature under each name verifies", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const body = new TextEncoder().encode('{"ok":true}');
    const queryId = "20200127230600";
    const signature = signLicenceResponse({ queryId, body, privateKey });
    const { signatureHeader, signatureHeaderAliases, queryIdHeader } = licenceResponseSignature;
    for (const name of [signatureHeader, ...signatureHeaderAliases]) {
      const headers = new Headers({ [queryIdHeader]: queryId, [name]: signature });
      await expect(
        verifyLicenceSignature({ sentQueryId: queryId, headers, body, publicKey }),
      ).resolves.toBeUndefined();
    }
  });
});
