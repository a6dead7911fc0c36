import { afterEach, describe, expect, it, vi } from "vitest";
import { fromBase64, toBase64 } from "../src/index.js";

// Node's Buffer is the reference the results are checked against (the helpers themselves must
// not use it).
const reference = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe("toBase64", () => {
  it("writes RFC 4648 §10's test vectors", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [text, base64] of vectors) {
      expect(toBase64(new TextEncoder().encode(text))).toBe(base64);
    }
  });

  it("writes every byte value and the standard alphabet's + and /", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toBase64(all)).toBe(reference(all));
    expect(toBase64(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe("+/+/");
  });

  it("writes a view onto a larger buffer as its own bytes only", () => {
    const buffer = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(toBase64(buffer.subarray(2, 5))).toBe(reference(Uint8Array.of(3, 4, 5)));
  });

  it("writes large input (several slices of 32 KiB, one not whole) in one line", () => {
    const bytes = pseudoRandomBytes(3 * 0x8000 + 7, 1);
    const text = toBase64(bytes);
    expect(text).toBe(reference(bytes));
    expect(text).not.toMatch(/\s/);
  });
});

describe("fromBase64", () => {
  it("round-trips bytes of every length up to 64 and a large array", () => {
    for (let length = 0; length <= 64; length++) {
      const bytes = pseudoRandomBytes(length, length + 7);
      expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    }
    const large = pseudoRandomBytes(2 * 1024 * 1024 + 1, 99);
    const read = fromBase64(toBase64(large));
    // Compared as one buffer: element by element, 2 MiB would be slow to compare.
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Buffer.compare(read!, large)).toBe(0);
    expect(read!.length).toBe(large.length);
  });

  it("reads RFC 4648 §10's test vectors and + and /", () => {
    expect(new TextDecoder().decode(fromBase64("Zm9vYmE="))).toBe("fooba");
    expect(new TextDecoder().decode(fromBase64("Zm9vYg=="))).toBe("foob");
    expect(fromBase64("+/+/")).toEqual(Uint8Array.of(0xfb, 0xff, 0xbf));
  });

  it("reads the empty text, and whitespace only, as no bytes", () => {
    expect(fromBase64("")).toEqual(new Uint8Array(0));
    expect(fromBase64(" \r\n\t")).toEqual(new Uint8Array(0));
  });

  it("skips whitespace anywhere: wrapped lines, spaces, tabs, around and inside the padding", () => {
    const bytes = pseudoRandomBytes(100, 3);
    const wrapped = toBase64(bytes).replace(/.{1,76}/g, "$&\r\n");
    expect(fromBase64(wrapped)).toEqual(bytes);
    expect(fromBase64(`  ${toBase64(bytes).split("").join(" \t")}\n`)).toEqual(bytes);
    expect(fromBase64("Zm9v\nYg=\n=")).toEqual(new TextEncoder().encode("foob"));
  });

  it("refuses characters outside the standard alphabet", () => {
    for (const text of [
      "Zm9v-g==",
      "Zm9v_g==",
      "Zm9v.g==",
      "Zm9vYg==!",
      "Zm9vYé==",
      "Zm9v\0Yg==",
    ]) {
      expect(fromBase64(text), text).toBeUndefined();
    }
  });

  it("refuses missing, surplus and misplaced padding", () => {
    for (const text of [
      "Zg", // unpadded
      "Zm8",
      "Zg=", // one = short
      "Zg===", // one = too many
      "Zm8==",
      "Zm9v=",
      "====",
      "=Zg=",
      "Zg==Zm8=", // padding inside
      "Z===",
      "Zm9vY", // a lone character in the last group
    ]) {
      expect(fromBase64(text), text).toBeUndefined();
    }
  });

  it("reads unused bits of the last group as atob does (not checked)", () => {
    expect(fromBase64("QR==")).toEqual(fromBase64("QQ=="));
  });

  it("refuses bad input within large text", () => {
    const text = toBase64(pseudoRandomBytes(1024 * 1024, 5));
    expect(fromBase64(`${text.slice(0, 500_000)}*${text.slice(500_001)}`)).toBeUndefined();
    expect(fromBase64(text.slice(0, -1))).toBeUndefined();
  });
});

describe("without Buffer (as in a browser)", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("encodes and decodes with btoa/atob only", () => {
    const bytes = pseudoRandomBytes(1000, 11);
    const expected = reference(bytes);
    vi.stubGlobal("Buffer", undefined);
    expect(toBase64(bytes)).toBe(expected);
    expect(fromBase64(expected)).toEqual(bytes);
    expect(fromBase64("Zg=")).toBeUndefined();
  });
});
