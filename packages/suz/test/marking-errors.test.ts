/**
 * A corpus of malformed marking codes: each is refused with the expected error code, group,
 * position and structure, and the message names the group and the position.
 */
import { describe, expect, it } from "vitest";
import {
  GS,
  isValidMarkingCode,
  MarkingCodeError,
  type MarkingCodeErrorCode,
  parseMarkingCode,
  validateMarkingCode,
} from "../src/marking/index.js";

const GTIN = "04601234567893";
const BAD_GTIN = "04601234567894";
const V44 = "dGVzdCB2ZXJpZmljYXRpb24gY29kZSAxMjM0NTY3OD+=";
// 0-1 "01", 2-15 GTIN (check digit at 15), 16-17 "21", 18-23 serial, 24 GS, 25-26 "93", 27-30.
const S = `01${GTIN}21ABC123${GS}93Xy9+`;
// 18-30 serial, 31 GS, 32-33 "91", 34-37 key, 38 GS, 39-40 "92", 41-84 code.
const L = `01${GTIN}21ABCDEFGHIJKLM${GS}91EE10${GS}92${V44}`;
const SP = `(01)${GTIN}(21)ABC123(93)Xy9+`;
const LP = `(01)${GTIN}(21)ABCDEFGHIJKLM(91)EE10(92)${V44}`;
const F3 = "feed-additives-3";
const F4 = "feed-additives-4";

type Case = [
  why: string,
  input: string,
  code: MarkingCodeErrorCode,
  group: string | null,
  position: number,
  structure: string | null,
];

const corpus: Case[] = [
  // empty and prefix-only
  ["empty string", "", "empty", null, 0, null],
  ["prefix only", "]d2", "truncated", "01", 3, F3],
  ["GS only", GS, "truncated", "01", 1, F3],
  // GTIN
  ["bad check digit (3 groups)", S.replace(GTIN, BAD_GTIN), "bad-check-digit", "01", 15, F3],
  ["bad check digit (4 groups)", L.replace(GTIN, BAD_GTIN), "bad-check-digit", "01", 15, F4],
  ["bad check digit after ]d2", `]d2${S.replace(GTIN, BAD_GTIN)}`, "bad-check-digit", "01", 18, F3],
  ["swapped GTIN digits", S.replace(GTIN, "04601234576893"), "bad-check-digit", "01", 15, F3],
  ["letter in GTIN", S.replace(GTIN, "046012345678A3"), "bad-character", "01", 14, F3],
  ["GTIN of 13 digits", S.replace(GTIN, "0460123456789"), "bad-check-digit", "01", 15, F3],
  ["GTIN with a space", S.replace(GTIN, "0460123 567893"), "bad-character", "01", 9, F3],
  // serial (AI 21)
  ["serial of 5 (GS early)", S.replace("ABC123", "ABC12"), "bad-length", "21", 23, F3],
  ["serial of 7", S.replace("ABC123", "ABC1234"), "bad-length", "21", 24, F3],
  [
    "serial of 12 in the 4-group form",
    L.replace("ABCDEFGHIJKLM", "ABCDEFGHIJKL"),
    "bad-length",
    "21",
    30,
    F4,
  ],
  [
    "serial of 14 in the 4-group form",
    L.replace("ABCDEFGHIJKLM", "ABCDEFGHIJKLMN"),
    "bad-length",
    "21",
    31,
    F4,
  ],
  ["space in serial", S.replace("ABC123", "AB 123"), "bad-character", "21", 20, F3],
  ["Cyrillic А in serial", S.replace("ABC123", "АBC123"), "bad-character", "21", 18, F3],
  ["# in serial (set 39, not 82)", S.replace("ABC123", "ABC#23"), "bad-character", "21", 21, F3],
  ["emoji in serial", L.replace("ABCDEFGHIJKLM", "ABCDEF😀HIJKL"), "bad-character", "21", 24, F4],
  ["NUL in serial", S.replace("ABC123", "ABC\u000023"), "bad-character", "21", 21, F3],
  // separators
  ["missing GS after the serial (3 groups)", S.replace(GS, ""), "missing-separator", "21", 24, F3],
  [
    "missing GS after the serial (4 groups)",
    L.replace(`M${GS}`, "M"),
    "missing-separator",
    "21",
    31,
    F4,
  ],
  [
    "missing GS after the key (4 groups)",
    L.replace(`10${GS}`, "10"),
    "missing-separator",
    "91",
    38,
    F4,
  ],
  ["both GS missing (4 groups)", L.replaceAll(GS, ""), "missing-separator", "21", 31, F4],
  ["GS replaced by a space", S.replace(GS, " "), "missing-separator", "21", 24, F3],
  ["double GS", S.replace(GS, GS + GS), "unexpected-ai", "93", 25, F3],
  ["GS inside the check code", S.replace("Xy9+", `Xy${GS}+`), "bad-length", "93", 29, F3],
  ["GS inside the GTIN", S.replace(GTIN, `0460123${GS}567893`), "bad-length", "01", 9, F3],
  // AIs
  ["AI 02 instead of 01", `02${S.slice(2)}`, "unexpected-ai", "01", 0, F3],
  ["AI 22 instead of 21", S.replace(`${GTIN}21`, `${GTIN}22`), "unexpected-ai", "21", 16, F3],
  ["AI 94 instead of 93", S.replace(`${GS}93`, `${GS}94`), "unexpected-ai", "93", 25, F3],
  ["AI 93 in the 4-group form", L.replace(`${GS}91`, `${GS}93`), "unexpected-ai", "91", 32, F4],
  ["AI 90 instead of 92", L.replace(`${GS}92`, `${GS}90`), "unexpected-ai", "92", 39, F4],
  ["unsupported symbology ]d1", `]d1${S}`, "unexpected-ai", "01", 0, F3],
  ["]d2 twice", `]d2]d2${S}`, "unexpected-ai", "01", 3, F3],
  ["two leading GS", `${GS}${GS}${S}`, "unexpected-ai", "01", 1, F3],
  // truncation
  ["truncated in the GTIN", S.slice(0, 7), "truncated", "01", 7, F3],
  ["truncated after the serial", S.slice(0, 24), "truncated", "93", 24, F3],
  ["truncated after the GS", S.slice(0, 25), "truncated", "93", 25, F3],
  ["truncated inside the AI 93", S.slice(0, 26), "truncated", "93", 26, F3],
  ["last character missing", S.slice(0, 30), "truncated", "93", 30, F3],
  ["4 groups cut in the key", L.slice(0, 36), "truncated", "91", 36, F4],
  ["4 groups cut in the code", L.slice(0, 60), "truncated", "92", 60, F4],
  ["4 groups, last character missing", L.slice(0, 84), "truncated", "92", 84, F4],
  // extra data
  ["a character after the code", `${S}Z`, "trailing-data", "93", 31, F3],
  ["a GS after the code", `${S}${GS}`, "trailing-data", "93", 31, F3],
  ["a newline after the code", `${S}\n`, "trailing-data", "93", 31, F3],
  ["padding after the 4-group code", `${L}==`, "trailing-data", "92", 85, F4],
  ["a second code appended", S + S, "trailing-data", "93", 31, F3],
  ["a leading space", ` ${S}`, "unexpected-ai", "01", 0, F3],
  // printable form
  ["printable, bad check digit", SP.replace(GTIN, BAD_GTIN), "bad-check-digit", "01", 17, F3],
  ["printable, serial of 5", SP.replace("ABC123", "ABC12"), "bad-length", "21", 27, F3],
  ["printable, serial of 7", SP.replace("ABC123", "ABC1234"), "bad-length", "21", 28, F3],
  ["printable, (94) instead of (93)", SP.replace("(93)", "(94)"), "unexpected-ai", "93", 29, F3],
  ["printable, AI without parentheses", SP.replace("(93)", "93"), "unexpected-ai", "93", 28, F3],
  ["printable, (91) missing", LP.replace("(91)", ""), "unexpected-ai", "91", 35, F4],
  [
    "printable, GS in the serial",
    SP.replace("ABC123", `ABC${GS}23`),
    "bad-character",
    "21",
    25,
    F3,
  ],
  ["printable, truncated", SP.slice(0, 30), "truncated", "93", 30, F3],
  ["printable, truncated in (93)", SP.slice(0, 30 - 2), "truncated", "93", 28, F3],
  ["printable, trailing data", `${SP}!`, "trailing-data", "93", 36, F3],
  ["printable, (01 without )", `(01${GTIN}(21)ABC123(93)Xy9+`, "unexpected-ai", "01", 1, F3],
];

describe("malformed codes", () => {
  it.each(corpus)("%s", (_, input, code, group, position, structure) => {
    let thrown: unknown;
    try {
      parseMarkingCode(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MarkingCodeError);
    const error = thrown as MarkingCodeError;
    expect({
      code: error.code,
      group: error.group,
      position: error.position,
      structure: error.structure,
    }).toEqual({ code, group, position, structure });
    if (group !== null) expect(error.message).toContain(`(${group})`);
    if (code !== "empty") expect(error.message).toContain(`position ${position}`);
    expect(isValidMarkingCode(input)).toBe(false);
    expect(validateMarkingCode(input)).toMatchObject({ code, group, position });
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a number", 10460123456789],
    ["an object", { code: S }],
    ["an array", [S]],
    ["a String object", new String(S)],
    ["a Buffer", Buffer.from(S)],
    ["a symbol", Symbol("code")],
    ["a bigint", 1n],
  ])("refuses %s as not-a-string", (_, input) => {
    expect(() => parseMarkingCode(input)).toThrow(
      expect.objectContaining({ code: "not-a-string", group: null, position: 0 }),
    );
    expect(() => parseMarkingCode(input)).toThrow(MarkingCodeError);
    expect(isValidMarkingCode(input)).toBe(false);
    expect(validateMarkingCode(input)?.code).toBe("not-a-string");
  });
});
