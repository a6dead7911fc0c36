/**
 * The marking-code library against СУЗ API §8.42 «Кормовые добавки» (Tables 329 and 330):
 * structure tables, parsing of both forms, building, formatting, and custom structures.
 *
 * The document shows no example code, only the tables; the codes below are synthetic, built to
 * the tables (GTIN 04601234567893 has a correct GS1 check digit).
 */
import { TrustspecError } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import {
  buildMarkingCode,
  createMarkingCodec,
  defaultMarkingCodec,
  defineMarkingStructure,
  FEED_ADDITIVES_3_GROUP,
  FEED_ADDITIVES_4_GROUP,
  FNC1_CHAR,
  formatMarkingCode,
  GS,
  GS1_CSET39,
  GS1_CSET82,
  GS1_DATAMATRIX_SYMBOLOGY_ID,
  gs1CheckDigit,
  isInCharset,
  isValidGtin,
  isValidMarkingCode,
  MARKING_STRUCTURES,
  MarkingCodec,
  MarkingCodeError,
  type MarkingStructure,
  parseMarkingCode,
  validateMarkingCode,
} from "../src/marking/index.js";

const GTIN = "04601234567893";
const V44 = "dGVzdCB2ZXJpZmljYXRpb24gY29kZSAxMjM0NTY3OD+=";
const SHORT_RAW = `01${GTIN}21ABC123${GS}93Xy9+`;
const SHORT_PRINTABLE = `(01)${GTIN}(21)ABC123(93)Xy9+`;
const LONG_RAW = `01${GTIN}21ABCDEFGHIJKLM${GS}91EE10${GS}92${V44}`;
const LONG_PRINTABLE = `(01)${GTIN}(21)ABCDEFGHIJKLM(91)EE10(92)${V44}`;

/**
 * Tables 329 and 330 of §8.42 as printed (columns Код, Длина, Формат, AI, Тип; the garbled OCR
 * header of Table 329 left out).
 */
const TABLE_329 = `
1	14	Цифры	01	Код товара по соответствующей товарной номенклатуре (GTIN)
2	6	Символьная строка	21	Индивидуальный серийный номер упаковки
3	4	Символьная строка	93	Код проверки`;
const TABLE_330 = `
1	14	Цифры	01	Код товара по соответствующей товарной номенклатуре (GTIN)
2	13	Символьная строка	21	Индивидуальный серийный номер единицы товара
3	4	Символьная строка	91	Ключ проверки
4	44	Символьная строка	92	Код проверки`;

function rows(table: string) {
  return table
    .trim()
    .split("\n")
    .map((line) => {
      const [n, length, format, ai, title] = line.split("\t");
      return { n: Number(n), length: Number(length), format, ai, title };
    });
}

describe("structure tables of §8.42", () => {
  it.each([
    ["Таблица 329", FEED_ADDITIVES_3_GROUP, TABLE_329],
    ["Таблица 330", FEED_ADDITIVES_4_GROUP, TABLE_330],
  ] as const)("%s is transcribed group by group", (table, structure, text) => {
    const printed = rows(text);
    expect(structure.productGroup).toBe("Кормовые добавки");
    expect(structure.source).toContain(table);
    expect(structure.groups).toHaveLength(printed.length);
    printed.forEach((row, i) => {
      const group = structure.groups[i]!;
      expect(group.ai).toBe(row.ai);
      expect(group.length).toBe(row.length);
      expect(group.charset).toBe(row.format === "Цифры" ? "numeric" : "cset82");
      expect(group.title).toBe(row.title);
    });
  });

  it("puts GS after the groups the text says end with ASCII 29, and nowhere else", () => {
    // 3 groups: «Вторая группа … завершается символом-разделителем FNC1 (ASCII 29)».
    expect(FEED_ADDITIVES_3_GROUP.groups.map((g) => g.separatorAfter)).toEqual([
      false,
      true,
      false,
    ]);
    // 4 groups: the second and the third group end with the separator of code 29.
    expect(FEED_ADDITIVES_4_GROUP.groups.map((g) => g.separatorAfter)).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it("splits identification (groups 1-2) from verification (the rest), and names the fields", () => {
    expect(FEED_ADDITIVES_3_GROUP.groups.map((g) => [g.part, g.field])).toEqual([
      ["identification", "gtin"],
      ["identification", "serial"],
      ["verification", "checkCode"],
    ]);
    expect(FEED_ADDITIVES_4_GROUP.groups.map((g) => [g.part, g.field])).toEqual([
      ["identification", "gtin"],
      ["identification", "serial"],
      ["verification", "verificationKey"],
      ["verification", "verificationCode"],
    ]);
    expect(FEED_ADDITIVES_3_GROUP.groups[0]!.checkDigit).toBe(true);
  });

  it("lists both forms, 3-group first, and the default codec uses them", () => {
    expect(MARKING_STRUCTURES.map((s) => s.name)).toEqual(["feed-additives-3", "feed-additives-4"]);
    expect(defaultMarkingCodec.structures).toEqual(MARKING_STRUCTURES);
    expect(defaultMarkingCodec.structure("feed-additives-4")).toBe(FEED_ADDITIVES_4_GROUP);
    expect(defaultMarkingCodec.structure("nope")).toBeUndefined();
  });

  it("gives the lengths 14+6+4 and 14+13+4+44 data characters plus AIs and separators", () => {
    expect(SHORT_RAW).toHaveLength(2 + 14 + 2 + 6 + 1 + 2 + 4);
    expect(LONG_RAW).toHaveLength(2 + 14 + 2 + 13 + 1 + 2 + 4 + 1 + 2 + 44);
    expect(V44).toHaveLength(44);
  });
});

describe("GS1 helpers", () => {
  it("computes and verifies the mod-10 check digit", () => {
    expect(gs1CheckDigit("0460123456789")).toBe(3);
    expect(gs1CheckDigit("400638133393")).toBe(1); // GTIN-13 4006381333931
    expect(gs1CheckDigit("03600029145")).toBe(2); // GTIN-12 036000291452
    expect(gs1CheckDigit("")).toBe(-1);
    expect(gs1CheckDigit("12a")).toBe(-1);
    expect(isValidGtin(GTIN)).toBe(true);
    expect(isValidGtin("4006381333931")).toBe(true);
    expect(isValidGtin("036000291452")).toBe(true);
    expect(isValidGtin("96385074")).toBe(true); // GTIN-8
    expect(isValidGtin("04601234567894")).toBe(false);
    expect(isValidGtin("0460123456789")).toBe(false);
    expect(isValidGtin("0460123456789X")).toBe(false);
    expect(isValidGtin(4601234567893 as unknown as string)).toBe(false);
  });

  it("knows the GS1 character sets 82 and 39", () => {
    expect(GS1_CSET82).toHaveLength(82);
    expect(GS1_CSET39).toHaveLength(39);
    expect(new Set(GS1_CSET82).size).toBe(82);
    expect(isInCharset("Ab9!\"%&'()*+,-./:;<=>?_", "cset82")).toBe(true);
    for (const c of [" ", "#", "$", "@", "[", "\\", "]", "^", "`", "{", "|", "}", "~", GS, "А"]) {
      expect(isInCharset(c, "cset82")).toBe(false);
    }
    expect(isInCharset("AZ09#-/", "cset39")).toBe(true);
    expect(isInCharset("a", "cset39")).toBe(false);
    expect(isInCharset("0123456789", "numeric")).toBe(true);
    expect(isInCharset("1a", "numeric")).toBe(false);
  });
});

describe("parsing", () => {
  const short = {
    structure: "feed-additives-3",
    gtin: GTIN,
    serial: "ABC123",
    checkCode: "Xy9+",
    groups: [
      { ai: "01", value: GTIN },
      { ai: "21", value: "ABC123" },
      { ai: "93", value: "Xy9+" },
    ],
  };
  const long = {
    structure: "feed-additives-4",
    gtin: GTIN,
    serial: "ABCDEFGHIJKLM",
    verificationKey: "EE10",
    verificationCode: V44,
    groups: [
      { ai: "01", value: GTIN },
      { ai: "21", value: "ABCDEFGHIJKLM" },
      { ai: "91", value: "EE10" },
      { ai: "92", value: V44 },
    ],
  };

  it("reads the 3-group form (Table 329)", () => {
    expect(parseMarkingCode(SHORT_RAW)).toStrictEqual(short);
  });

  it("reads the 4-group form (Table 330)", () => {
    expect(parseMarkingCode(LONG_RAW)).toStrictEqual(long);
  });

  it.each([
    ["GS1 DataMatrix symbology identifier", GS1_DATAMATRIX_SYMBOLOGY_ID],
    ["leading GS (FNC1)", GS],
    ["FNC1 as è", FNC1_CHAR],
    ["]d2 then GS", `]d2${GS}`],
    ["]d2 then è", `]d2${FNC1_CHAR}`],
  ])("tolerates a %s in front", (_, prefix) => {
    expect(parseMarkingCode(prefix + SHORT_RAW)).toStrictEqual(short);
    expect(parseMarkingCode(prefix + LONG_RAW)).toStrictEqual(long);
  });

  it("reads the printable form with parenthesised AIs", () => {
    expect(parseMarkingCode(SHORT_PRINTABLE)).toStrictEqual(short);
    expect(parseMarkingCode(LONG_PRINTABLE)).toStrictEqual(long);
    expect(parseMarkingCode(SHORT_PRINTABLE, { form: "printable" })).toStrictEqual(short);
  });

  it("reads parentheses inside values of the printable form by their fixed lengths", () => {
    const code = `(01)${GTIN}(21)(93)()(93)(93)`;
    expect(parseMarkingCode(code)).toMatchObject({ serial: "(93)()", checkCode: "(93)" });
    expect(formatMarkingCode(parseMarkingCode(code))).toBe(`01${GTIN}21(93)()${GS}93(93)`);
  });

  it("takes every special character of set 82 in serials and check codes", () => {
    const code = buildMarkingCode({
      gtin: GTIN,
      serial: "!\"%&'()*+,-./",
      verificationKey: ":;<=",
      verificationCode: ">?_".padEnd(44, "z"),
    });
    expect(parseMarkingCode(code.raw)).toStrictEqual(code.code);
    expect(parseMarkingCode(code.printable)).toStrictEqual(code.code);
  });

  it("limits the structures and the form on request", () => {
    expect(parseMarkingCode(SHORT_RAW, { structure: "feed-additives-3" })).toStrictEqual(short);
    const error = validateMarkingCode(SHORT_RAW, { structure: "feed-additives-4" });
    expect(error).toMatchObject({ code: "bad-length", group: "21", structure: "feed-additives-4" });
    expect(validateMarkingCode(SHORT_PRINTABLE, { form: "raw" })).toMatchObject({
      code: "unexpected-ai",
      group: "01",
      position: 0,
    });
    expect(validateMarkingCode(SHORT_RAW, { structure: "tobacco" })?.code).toBe(
      "unknown-structure",
    );
    expect(isValidMarkingCode(SHORT_RAW, { structure: "tobacco" })).toBe(false);
    // Odd option values still only ever produce a MarkingCodeError.
    expect(() => parseMarkingCode(SHORT_RAW, { structure: 1n as unknown as string })).toThrow(
      expect.objectContaining({ code: "unknown-structure" }),
    );
    expect(parseMarkingCode(SHORT_RAW, { form: "weird" as "raw" })).toStrictEqual(short);
  });

  it("optionally accepts codes whose GS separators were lost", () => {
    const noGs = SHORT_RAW.replace(GS, "");
    expect(validateMarkingCode(noGs)).toMatchObject({ code: "missing-separator", position: 24 });
    expect(parseMarkingCode(noGs, { allowMissingSeparators: true })).toStrictEqual(short);
    const longNoGs = LONG_RAW.replaceAll(GS, "");
    expect(parseMarkingCode(longNoGs, { allowMissingSeparators: true })).toStrictEqual(long);
    const oneGs = LONG_RAW.replace(GS, "");
    expect(parseMarkingCode(oneGs, { allowMissingSeparators: true })).toStrictEqual(long);
    expect(parseMarkingCode(LONG_RAW, { allowMissingSeparators: true })).toStrictEqual(long);
  });

  it("answers isValid and validate consistently", () => {
    expect(isValidMarkingCode(SHORT_RAW)).toBe(true);
    expect(isValidMarkingCode(LONG_PRINTABLE)).toBe(true);
    expect(validateMarkingCode(LONG_RAW)).toBeNull();
    expect(isValidMarkingCode(`${SHORT_RAW}x`)).toBe(false);
    expect(isValidMarkingCode(42)).toBe(false);
    expect(validateMarkingCode(42)?.code).toBe("not-a-string");
    expect(validateMarkingCode(`${SHORT_RAW}x`)).toBeInstanceOf(MarkingCodeError);
  });
});

describe("formatting and building", () => {
  it("writes a parsed code raw (with GS) and printable", () => {
    const short = parseMarkingCode(`]d2${SHORT_RAW}`);
    expect(formatMarkingCode(short)).toBe(SHORT_RAW);
    expect(formatMarkingCode(short, { form: "raw" })).toBe(SHORT_RAW);
    expect(formatMarkingCode(short, { form: "printable" })).toBe(SHORT_PRINTABLE);
    const long = parseMarkingCode(LONG_PRINTABLE);
    expect(formatMarkingCode(long)).toBe(LONG_RAW);
    expect(formatMarkingCode(long, { form: "printable" })).toBe(LONG_PRINTABLE);
  });

  it("adds a prefix to the raw form on request", () => {
    const short = parseMarkingCode(SHORT_RAW);
    expect(formatMarkingCode(short, { prefix: "]d2" })).toBe(`]d2${SHORT_RAW}`);
    expect(formatMarkingCode(short, { prefix: GS })).toBe(GS + SHORT_RAW);
    expect(formatMarkingCode(short, { prefix: FNC1_CHAR })).toBe(FNC1_CHAR + SHORT_RAW);
    expect(formatMarkingCode(short, { prefix: "]d2", form: "printable" })).toBe(SHORT_PRINTABLE);
    expect(() => formatMarkingCode(short, { prefix: "]Q3" as "]d2" })).toThrow(MarkingCodeError);
  });

  it("writes the identification code alone (groups 1-2, no trailing GS)", () => {
    expect(formatMarkingCode(parseMarkingCode(SHORT_RAW), { part: "identification" })).toBe(
      `01${GTIN}21ABC123`,
    );
    expect(
      formatMarkingCode(parseMarkingCode(LONG_RAW), { part: "identification", form: "printable" }),
    ).toBe(`(01)${GTIN}(21)ABCDEFGHIJKLM`);
  });

  it("builds both forms, choosing the structure by the fields given", () => {
    const short = buildMarkingCode({ gtin: GTIN, serial: "ABC123", checkCode: "Xy9+" });
    expect(short).toStrictEqual({
      code: parseMarkingCode(SHORT_RAW),
      raw: SHORT_RAW,
      printable: SHORT_PRINTABLE,
    });
    const long = buildMarkingCode({
      gtin: GTIN,
      serial: "ABCDEFGHIJKLM",
      verificationKey: "EE10",
      verificationCode: V44,
    });
    expect(long.raw).toBe(LONG_RAW);
    expect(long.printable).toBe(LONG_PRINTABLE);
    expect(
      buildMarkingCode({
        structure: "feed-additives-3",
        gtin: GTIN,
        serial: "ABC123",
        checkCode: "Xy9+",
      }).raw,
    ).toBe(SHORT_RAW);
  });

  it("refuses bad values with the group and the position inside the value", () => {
    const cases: [Parameters<typeof buildMarkingCode>[0], string, string, number][] = [
      [{ gtin: GTIN, serial: "ABC12", checkCode: "Xy9+" }, "bad-length", "21", 5],
      [{ gtin: GTIN, serial: "ABC1234", checkCode: "Xy9+" }, "bad-length", "21", 6],
      [{ gtin: GTIN, serial: "AB C12", checkCode: "Xy9+" }, "bad-character", "21", 2],
      [
        { gtin: "04601234567894", serial: "ABC123", checkCode: "Xy9+" },
        "bad-check-digit",
        "01",
        13,
      ],
      [{ gtin: GTIN, serial: "ABC123", checkCode: "Xy9~" }, "bad-character", "93", 3],
      [{ gtin: GTIN, serial: "ABC123" }, "missing-group", "93", 0],
      [{ gtin: GTIN, serial: "ABCDEFGHIJKLM" }, "missing-group", "91", 0],
      [{ gtin: GTIN, checkCode: "Xy9+" }, "missing-group", "21", 0],
      [
        { gtin: GTIN, serial: 123456 as unknown as string, checkCode: "Xy9+" },
        "not-a-string",
        "21",
        0,
      ],
      [
        { gtin: GTIN, serial: "ABCDEFGHIJKLM", verificationKey: "EE10", verificationCode: "x" },
        "bad-length",
        "92",
        1,
      ],
    ];
    for (const [fields, code, group, position] of cases) {
      let thrown: unknown;
      try {
        buildMarkingCode(fields);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(fields)).toBeInstanceOf(MarkingCodeError);
      expect(thrown, JSON.stringify(fields)).toMatchObject({ code, group, position });
      expect((thrown as Error).message).toContain(`(${group})`);
    }
  });

  it("refuses fields no structure takes together, unknown structures and non-objects", () => {
    expect(() =>
      buildMarkingCode({
        gtin: GTIN,
        serial: "ABC123",
        checkCode: "Xy9+",
        verificationKey: "EE10",
      }),
    ).toThrow(expect.objectContaining({ code: "unexpected-ai" }));
    expect(() => buildMarkingCode({ structure: "milk", gtin: GTIN })).toThrow(
      expect.objectContaining({ code: "unknown-structure" }),
    );
    expect(() => buildMarkingCode(null as never)).toThrow(MarkingCodeError);
  });

  it("re-checks values when formatting", () => {
    const code = parseMarkingCode(SHORT_RAW);
    expect(() => formatMarkingCode({ ...code, structure: "milk" })).toThrow(
      expect.objectContaining({ code: "unknown-structure" }),
    );
    expect(() =>
      formatMarkingCode({
        ...code,
        groups: [...code.groups.slice(0, 2), { ai: "93", value: "X" }],
      }),
    ).toThrow(expect.objectContaining({ code: "bad-length", group: "93" }));
    expect(() =>
      formatMarkingCode({ ...code, groups: [...code.groups, { ai: "91", value: "EE10" }] }),
    ).toThrow(expect.objectContaining({ code: "unexpected-ai", group: "91" }));
    // Without groups, the named fields are enough.
    const { groups: _, ...fieldsOnly } = code;
    expect(formatMarkingCode(fieldsOnly as typeof code)).toBe(SHORT_RAW);
    expect(() => formatMarkingCode(undefined as never)).toThrow(MarkingCodeError);
  });
});

describe("custom structures are data", () => {
  // A made-up product group (not from any document): serial of 7, a numeric AI without a named
  // field, and a check code.
  const weighted: MarkingStructure = defineMarkingStructure({
    name: "example-weighted",
    productGroup: "Пример (только для теста)",
    groups: [
      {
        ai: "01",
        length: 14,
        charset: "numeric",
        separatorAfter: false,
        checkDigit: true,
        field: "gtin",
        part: "identification",
      },
      {
        ai: "21",
        length: 7,
        charset: "cset39",
        separatorAfter: true,
        field: "serial",
        part: "identification",
      },
      { ai: "3103", length: 6, charset: "numeric", separatorAfter: true, part: "identification" },
      {
        ai: "93",
        length: 4,
        charset: "cset82",
        separatorAfter: false,
        field: "checkCode",
        part: "verification",
      },
    ],
  });
  const codec = createMarkingCodec([...MARKING_STRUCTURES, weighted]);
  const raw = `01${GTIN}21AB-12#/${GS}3103000500${GS}93Xy9+`;

  it("registers a new structure without code and reads, builds and writes it", () => {
    const parsed = codec.parse(`]d2${raw}`);
    expect(parsed).toStrictEqual({
      structure: "example-weighted",
      gtin: GTIN,
      serial: "AB-12#/",
      checkCode: "Xy9+",
      groups: [
        { ai: "01", value: GTIN },
        { ai: "21", value: "AB-12#/" },
        { ai: "3103", value: "000500" },
        { ai: "93", value: "Xy9+" },
      ],
    });
    const printable = `(01)${GTIN}(21)AB-12#/(3103)000500(93)Xy9+`;
    expect(codec.format(parsed, { form: "printable" })).toBe(printable);
    expect(codec.parse(printable)).toStrictEqual(parsed);
    const built = codec.build({
      structure: "example-weighted",
      gtin: GTIN,
      serial: "AB-12#/",
      checkCode: "Xy9+",
      values: { "3103": "000500" },
    });
    expect(built.raw).toBe(raw);
    expect(codec.format(parsed, { part: "identification" })).toBe(
      `01${GTIN}21AB-12#/${GS}3103000500`,
    );
    // The built-in structures still work in the extended codec; the default codec is unchanged.
    expect(codec.parse(SHORT_RAW).structure).toBe("feed-additives-3");
    expect(isValidMarkingCode(raw)).toBe(false);
    expect(new MarkingCodec([weighted]).isValid(SHORT_RAW)).toBe(false);
  });

  it("checks the new structure's charsets and AIs", () => {
    expect(codec.validate(raw.replace("AB-12#/", "ab-12#/"))).toMatchObject({
      code: "bad-character",
      group: "21",
      position: 18,
      structure: "example-weighted",
    });
    expect(codec.validate(raw.replace("3103", "3102"))).toMatchObject({
      code: "unexpected-ai",
      group: "3103",
      position: 26,
    });
    expect(() =>
      codec.build({
        structure: "example-weighted",
        gtin: GTIN,
        serial: "AB-12#/",
        checkCode: "Xy9+",
      }),
    ).toThrow(expect.objectContaining({ code: "missing-group", group: "3103" }));
  });

  it("refuses unusable definitions and repeated names", () => {
    const base = FEED_ADDITIVES_3_GROUP;
    const g = base.groups;
    const bad: [string, MarkingStructure][] = [
      ["empty name", { ...base, name: "" }],
      ["no groups", { ...base, groups: [] }],
      ["AI of letters", { ...base, groups: [{ ...g[0]!, ai: "0A" }, g[1]!, g[2]!] }],
      ["AI repeated", { ...base, groups: [g[0]!, g[1]!, { ...g[2]!, ai: "21" }] }],
      ["length 0", { ...base, groups: [g[0]!, { ...g[1]!, length: 0 }, g[2]!] }],
      ["fractional length", { ...base, groups: [g[0]!, { ...g[1]!, length: 6.5 }, g[2]!] }],
      [
        "unknown charset",
        { ...base, groups: [g[0]!, { ...g[1]!, charset: "ascii" as "cset82" }, g[2]!] },
      ],
      [
        "check digit on letters",
        { ...base, groups: [g[0]!, { ...g[1]!, checkDigit: true }, g[2]!] },
      ],
      ["field repeated", { ...base, groups: [g[0]!, g[1]!, { ...g[2]!, field: "serial" }] }],
      ["no serial", { ...base, groups: [g[0]!, { ...g[1]!, field: undefined }, g[2]!] }],
      [
        "separator at the end",
        { ...base, groups: [g[0]!, g[1]!, { ...g[2]!, separatorAfter: true }] },
      ],
      [
        "unknown part",
        { ...base, groups: [g[0]!, g[1]!, { ...g[2]!, part: "x" as "verification" }] },
      ],
    ];
    for (const [why, structure] of bad) {
      expect(() => defineMarkingStructure(structure), why).toThrow(
        expect.objectContaining({ code: "invalid-structure" }),
      );
      expect(() => createMarkingCodec([structure]), why).toThrow(MarkingCodeError);
    }
    expect(() =>
      createMarkingCodec([base, { ...FEED_ADDITIVES_4_GROUP, name: base.name }]),
    ).toThrow(expect.objectContaining({ code: "invalid-structure" }));
  });
});

describe("MarkingCodeError", () => {
  it("is a TrustspecError with code, group, position, structure and a message naming them", () => {
    const error = validateMarkingCode(SHORT_RAW.replace("ABC123", "ABC 23"))!;
    expect(error).toBeInstanceOf(MarkingCodeError);
    expect(error).toBeInstanceOf(TrustspecError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("MarkingCodeError");
    expect(error).toMatchObject({
      code: "bad-character",
      group: "21",
      position: 21,
      structure: "feed-additives-3",
    });
    expect(error.message).toContain("group (21)");
    expect(error.message).toContain("position 21");
    expect(error.message).toContain('" "');
  });
});
