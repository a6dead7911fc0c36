/**
 * Property tests of the marking-code library over seeded random codes (the runtime's `seededRandom`
 * generator; every failure message carries the seed and the input, so a failure replays).
 */

import { seededRandom } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import {
  buildMarkingCode,
  FNC1_CHAR,
  formatMarkingCode,
  GS,
  GS1_CSET82,
  gs1CheckDigit,
  isValidMarkingCode,
  MarkingCodeError,
  type MarkingCodeFields,
  parseMarkingCode,
  validateMarkingCode,
} from "../src/marking/index.js";

const RUNS = 2000;

class Gen {
  readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = seededRandom(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick(alphabet: string, n: number): string {
    let out = "";
    for (let i = 0; i < n; i++) out += alphabet.charAt(this.int(alphabet.length));
    return out;
  }
  gtin(): string {
    const body = this.pick("0123456789", 13);
    return body + String(gs1CheckDigit(body));
  }
  fields(): MarkingCodeFields {
    return this.int(2) === 0
      ? { gtin: this.gtin(), serial: this.pick(GS1_CSET82, 6), checkCode: this.pick(GS1_CSET82, 4) }
      : {
          gtin: this.gtin(),
          serial: this.pick(GS1_CSET82, 13),
          verificationKey: this.pick(GS1_CSET82, 4),
          verificationCode: this.pick(GS1_CSET82, 44),
        };
  }
}

/** Runs `property` for RUNS seeds, each with its own generator. */
function forAll(property: (gen: Gen) => void): void {
  for (let seed = 1; seed <= RUNS; seed++) property(new Gen(seed));
}

const PREFIXES = ["", "]d2", GS, FNC1_CHAR, `]d2${GS}`, `]d2${FNC1_CHAR}`];
const VALID_ERROR_CODES = new Set([
  "empty",
  "truncated",
  "bad-length",
  "bad-character",
  "bad-check-digit",
  "unexpected-ai",
  "missing-separator",
  "trailing-data",
]);

/** parse must return a code or throw a MarkingCodeError whose fields make sense for `input`. */
function parseOrError(input: string, seed: number): ReturnType<typeof parseMarkingCode> | null {
  try {
    const code = parseMarkingCode(input);
    expect(isValidMarkingCode(input), `seed ${seed} ${JSON.stringify(input)}`).toBe(true);
    return code;
  } catch (error) {
    const where = `seed ${seed} ${JSON.stringify(input)}: ${String(error)}`;
    expect(error, where).toBeInstanceOf(MarkingCodeError);
    const e = error as MarkingCodeError;
    expect(VALID_ERROR_CODES.has(e.code), where).toBe(true);
    expect(e.position, where).toBeGreaterThanOrEqual(0);
    expect(e.position, where).toBeLessThanOrEqual(input.length);
    expect(e.group === null || /^[0-9]{2,4}$/.test(e.group), where).toBe(true);
    if (e.code !== "empty") expect(e.message, where).toContain(`position ${e.position}`);
    expect(isValidMarkingCode(input), where).toBe(false);
    expect(validateMarkingCode(input)?.code, where).toBe(e.code);
    return null;
  }
}

describe("round trips over seeded random valid codes", () => {
  it("parse ∘ build = id, and build ∘ parse gives back the fields", () => {
    forAll((gen) => {
      const fields = gen.fields();
      const built = buildMarkingCode(fields);
      const parsed = parseMarkingCode(built.raw);
      expect(parsed, `seed ${gen.seed}`).toStrictEqual(built.code);
      expect(parsed, `seed ${gen.seed}`).toMatchObject(fields);
      expect(parsed.groups.map((g) => g.value).join(""), `seed ${gen.seed}`).toBe(
        Object.values(fields).join(""),
      );
      expect(buildMarkingCode({ ...parsed, structure: parsed.structure }).raw).toBe(built.raw);
    });
  });

  it("printable ∘ parse and parse ∘ printable round trip", () => {
    forAll((gen) => {
      const { raw, printable } = buildMarkingCode(gen.fields());
      const fromRaw = parseMarkingCode(raw);
      const fromPrintable = parseMarkingCode(printable);
      expect(fromPrintable, `seed ${gen.seed}`).toStrictEqual(fromRaw);
      expect(formatMarkingCode(fromRaw, { form: "printable" })).toBe(printable);
      expect(formatMarkingCode(fromPrintable)).toBe(raw);
      expect(formatMarkingCode(fromPrintable, { form: "printable" })).toBe(printable);
    });
  });

  it("every prefix variant parses to the same result", () => {
    forAll((gen) => {
      const { raw, code } = buildMarkingCode(gen.fields());
      for (const prefix of PREFIXES) {
        expect(
          parseMarkingCode(prefix + raw),
          `seed ${gen.seed} ${JSON.stringify(prefix)}`,
        ).toStrictEqual(code);
      }
      for (const prefix of ["", "]d2", GS, FNC1_CHAR] as const) {
        expect(formatMarkingCode(code, { prefix })).toBe(prefix + raw);
      }
    });
  });

  it("dropping separators is an error, unless allowMissingSeparators", () => {
    forAll((gen) => {
      const { raw, code } = buildMarkingCode(gen.fields());
      const dropped = raw.replaceAll(GS, "");
      expect(validateMarkingCode(dropped)?.code, `seed ${gen.seed}`).toBe("missing-separator");
      expect(validateMarkingCode(dropped)?.position).toBe(raw.indexOf(GS));
      expect(parseMarkingCode(dropped, { allowMissingSeparators: true })).toStrictEqual(code);
    });
  });

  it("the identification code is the raw prefix up to the first separator", () => {
    forAll((gen) => {
      const { raw, code } = buildMarkingCode(gen.fields());
      expect(formatMarkingCode(code, { part: "identification" })).toBe(
        raw.slice(0, raw.indexOf(GS)),
      );
    });
  });
});

describe("refusals over seeded random invalid codes", () => {
  it("any single wrong GTIN digit is a bad check digit at the check-digit position", () => {
    forAll((gen) => {
      const fields = gen.fields();
      const { raw } = buildMarkingCode(fields);
      const i = 2 + gen.int(14);
      const digit = raw.charCodeAt(i) - 48;
      const other = String((digit + 1 + gen.int(9)) % 10);
      const broken = raw.slice(0, i) + other + raw.slice(i + 1);
      expect(validateMarkingCode(broken), `seed ${gen.seed}`).toMatchObject({
        code: "bad-check-digit",
        group: "01",
        position: 15,
      });
    });
  });

  it("a character outside set 82 in a value is a bad character at its position", () => {
    const outside = " #$@[\\]^`{|}~\u0000\u007fАя€😀";
    forAll((gen) => {
      const { raw, code } = buildMarkingCode(gen.fields());
      const valueStarts = [18];
      if (code.structure === "feed-additives-3") valueStarts.push(27);
      else valueStarts.push(34, 41);
      const g = gen.int(valueStarts.length);
      const length = [code.serial, code.checkCode ?? code.verificationKey, code.verificationCode][
        g
      ]!.length;
      const i = valueStarts[g]! + gen.int(length);
      const bad = [...outside][gen.int([...outside].length)]!;
      const broken = raw.slice(0, i) + bad + raw.slice(i + 1);
      expect(
        validateMarkingCode(broken),
        `seed ${gen.seed} ${JSON.stringify(broken)}`,
      ).toMatchObject({
        code: "bad-character",
        group: code.groups[g + 1]!.ai,
        position: i,
      });
    });
  });

  it("every proper prefix of a valid code is truncated at its end", () => {
    forAll((gen) => {
      const { raw } = buildMarkingCode(gen.fields());
      const cut = 1 + gen.int(raw.length - 1);
      const cut4 = raw.slice(0, cut);
      const error = validateMarkingCode(cut4);
      if (cut >= 26 && cut4.slice(24, 26) === "93" && raw.length === 85) {
        // A 4-group serial that happens to hold "93" at its 7th-8th characters reads just like a
        // 3-group code whose GS was lost.
        expect(error, `seed ${gen.seed} cut ${cut}`).toMatchObject({
          code: "missing-separator",
          position: 24,
        });
      } else {
        expect(error, `seed ${gen.seed} cut ${cut}`).toMatchObject({
          code: "truncated",
          position: cut,
          structure: raw.length === 31 || cut <= 24 ? "feed-additives-3" : "feed-additives-4",
        });
      }
    });
  });

  it("random mutations either parse consistently or fail with a MarkingCodeError", () => {
    const alphabet = `${GS1_CSET82}${GS}() #è]\u0000😀`;
    const chars = [...alphabet];
    forAll((gen) => {
      let input =
        gen.int(2) === 0
          ? buildMarkingCode(gen.fields()).raw
          : buildMarkingCode(gen.fields()).printable;
      if (gen.int(3) === 0) input = PREFIXES[gen.int(PREFIXES.length)] + input;
      const edits = 1 + gen.int(3);
      for (let k = 0; k < edits; k++) {
        const i = gen.int(input.length + 1);
        const c = chars[gen.int(chars.length)]!;
        const op = gen.int(3);
        input =
          op === 0
            ? input.slice(0, i) + c + input.slice(i + 1) // replace
            : op === 1
              ? input.slice(0, i) + c + input.slice(i) // insert
              : input.slice(0, i) + input.slice(i + 1); // delete
      }
      const code = parseOrError(input, gen.seed);
      if (code !== null) {
        expect(parseMarkingCode(formatMarkingCode(code))).toStrictEqual(code);
        expect(parseMarkingCode(formatMarkingCode(code, { form: "printable" }))).toStrictEqual(
          code,
        );
      }
    });
  });

  it("random strings never throw anything but MarkingCodeError", () => {
    forAll((gen) => {
      let input = "";
      const length = gen.int(100);
      for (let i = 0; i < length; i++) {
        const r = gen.int(10);
        input +=
          r < 6
            ? "0123456789"[gen.int(10)]
            : r < 8
              ? GS1_CSET82[gen.int(82)]
              : r < 9
                ? GS
                : String.fromCharCode(gen.int(0x10000)); // lone surrogates included
      }
      expect(parseOrError(input, gen.seed)).toBeNull();
    });
  });
});
