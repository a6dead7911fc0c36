/**
 * The GOST primitives the package signs with, against published answers: Streebog against the
 * examples of RFC 6986 §10 (the RFC prints messages and digests as little-endian numbers; here
 * they are in byte order, as the message is fed and as `openssl dgst` prints the digest), and
 * the GOST R 34.10-2012 signature arithmetic against the standard's example 1 (RFC 7091 §A.1,
 * test parameter set, fixed nonce k).
 */
import { describe, expect, it } from "vitest";
import { gostSign, gostVerify, streebog } from "../src/gost/library.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const unhex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
/** A big-endian hex number as little-endian bytes, the library's order for d, e and k. */
const le = (text: string) => unhex(text).reverse();

// M1: the 63 ASCII digits "0123…012"; M2: the 72-byte CP1251 line of the Слово о полку Игореве.
const M1 = new TextEncoder().encode(
  "012345678901234567890123456789012345678901234567890123456789012",
);
const M2 = unhex(
  "d1e520e2e5f2f0e82c20d1f2f0e8e1eee6e820e2edf3f6e82c20e2e5fef2fa20f120eceef0ff20f1f2f0e5ebe0ece820ede020f5f0e0e1f0fbff20efebfaeafb20c8e3eef0e5e2fb",
);

describe("Streebog (GOST R 34.11-2012), RFC 6986 §10", () => {
  it("has the message lengths of the RFC", () => {
    expect(M1.byteLength).toBe(63);
    expect(M2.byteLength).toBe(72);
  });

  it.each([
    [
      "M1",
      512,
      M1,
      "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48",
    ],
    ["M1", 256, M1, "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"],
    [
      "M2",
      512,
      M2,
      "1e88e62226bfca6f9994f1f2d51569e0daf8475a3b0fe61a5300eee46d961376035fe83549ada2b8620fcd7c496ce5b33f0cb9dddc2b6460143b03dabac9fb28",
    ],
    ["M2", 256, M2, "9dd2fe4e90409e5da87f53976d7405b0c0cac628fc669a741d50063c557e8f50"],
  ] as const)("%s, %i bits", (_name, length, message, expected) => {
    expect(hex(streebog(length, message))).toBe(expected);
  });

  it("hashes the empty message and a view into a larger buffer by its bytes only", () => {
    expect(hex(streebog(256, new Uint8Array(0)))).toBe(
      "3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb",
    );
    const padded = new Uint8Array(M1.byteLength + 10);
    padded.set(M1, 5);
    expect(hex(streebog(256, padded.subarray(5, 5 + M1.byteLength)))).toBe(
      "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500",
    );
  });
});

describe("GOST R 34.10-2012 signature, example 1 of the standard (RFC 7091 §A.1)", () => {
  const d = le("7A929ADE789BB9BE10ED359DD39A72C11B60961F49397EEE1D19CE9891EC3B28");
  const e = le("2DFBC1B372D89A1188C09C52E0EEC61FCE52032AB1022E8E67ECE6672B043EE5");
  const k = le("77105C9B20BCD3122823C8CF6FCC7B956DE33814E95B7FE64FED924594DCEAB3");
  const r = "41aa28d2f1ab148280cd9ed56feda41974053554a42767b83ad043fd39dc0493";
  const s = "01456c64ba4642a1653c235a98a60249bcd6d3f746b631df928014f6c5bf9c40";
  const Q = Buffer.concat([
    le("7F2B49E270DB6D90D8595BEC458B50C58585BA1D4E9B788F6689DBD8E56FD80B"),
    le("26F1B489D6701DD185C8413A977B3CBBAF64D1C593D26627DFFB101A87FF77DA"),
  ]);

  it("signs e with d and k into the printed r and s (encoded s || r, big-endian)", () => {
    const signature = gostSign(256, "S-256-TEST", d, e, { prehashed: true, k });
    expect(hex(signature)).toBe(s + r);
  });

  it("verifies the printed signature with the printed public key, and refuses a changed one", () => {
    const signature = unhex(s + r);
    expect(
      gostVerify(256, "S-256-TEST", new Uint8Array(Q), signature, e, { prehashed: true }),
    ).toBe(true);
    const bad = signature.slice();
    bad[10] = (bad[10] ?? 0) ^ 1;
    expect(gostVerify(256, "S-256-TEST", new Uint8Array(Q), bad, e, { prehashed: true })).toBe(
      false,
    );
    expect(
      gostVerify(256, "S-256-TEST", new Uint8Array(Q), signature.subarray(1), e, {
        prehashed: true,
      }),
    ).toBe(false);
  });
});
