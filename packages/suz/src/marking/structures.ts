/**
 * Marking-code structures as data: one definition per structure of a product group, so a new
 * product group is a new table entry, not new code.
 */

import { MARKING_CHARSETS, type MarkingCharset } from "./charset.js";
import { MarkingCodeError, showValue } from "./errors.js";

/**
 * The named fields of a parsed marking code a group may fill. Groups without a field only appear
 * in {@link ParsedMarkingCode.groups}.
 *
 * - `gtin`: «Код товара» (AI 01);
 * - `serial`: «Индивидуальный серийный номер» (AI 21);
 * - `checkCode`: «Код проверки» of the 3-group form (AI 93);
 * - `verificationKey`: «Ключ проверки» (AI 91);
 * - `verificationCode`: «Код проверки» of the 4-group form (AI 92).
 */
export type MarkingField = "gtin" | "serial" | "checkCode" | "verificationKey" | "verificationCode";

/** Every {@link MarkingField}, in a stable order. */
export const MARKING_FIELDS: readonly MarkingField[] = [
  "gtin",
  "serial",
  "checkCode",
  "verificationKey",
  "verificationCode",
];

/**
 * Which part of the code a group belongs to: §8.42 splits every code into the identification code
 * («код идентификации», groups 1-2) and the check part («код проверки», the remaining groups).
 */
export type MarkingPart = "identification" | "verification";

/** One group («группа данных») of a marking-code structure: an AI and its fixed-length value. */
export interface MarkingGroupDefinition {
  /** The application identifier, 2-4 digits (e.g. `"01"`). */
  readonly ai: string;
  /** The fixed number of characters of the value (the AI and separators not counted), 1-99. */
  readonly length: number;
  /** The characters the value may use. */
  readonly charset: MarkingCharset;
  /**
   * Whether the raw form carries a GS (ASCII 29, FNC1) after this group. Must be `false` on the
   * last group: a separator only ever stands between two groups.
   */
  readonly separatorAfter: boolean;
  /** Whether the last digit is a GS1 mod-10 check digit (needs the `numeric` charset). */
  readonly checkDigit?: boolean;
  /** The named field of the parsed code this group fills, if any (each field at most once). */
  readonly field?: MarkingField;
  /** Which part of the code the group belongs to. */
  readonly part: MarkingPart;
  /** What the source document calls the group («Тип»), for messages and documentation. */
  readonly title?: string;
}

/** One structure («структура кода маркировки») of a product group's marking code. */
export interface MarkingStructure {
  /** A unique name, used in results and errors (e.g. `"feed-additives-3"`). */
  readonly name: string;
  /** The product group («товарная группа») the structure belongs to. */
  readonly productGroup: string;
  /** Where the structure is defined (document, section, table). */
  readonly source?: string;
  /** The groups in the order they appear in the code; must fill `gtin` and `serial`. */
  readonly groups: readonly MarkingGroupDefinition[];
}

const FEED_ADDITIVES = "Кормовые добавки";
const SUZ_API = "СУЗ (OMS) API 15861920.620111-04 33 07, §8.42";

/**
 * «Кормовые добавки», 3 groups (СУЗ API §8.42, Table 329): AI 01 GTIN of 14 digits, AI 21 serial of
 * 6 characters ended by GS, AI 93 check code of 4 characters. Raw length 31 (without a prefix).
 */
export const FEED_ADDITIVES_3_GROUP: MarkingStructure = {
  name: "feed-additives-3",
  productGroup: FEED_ADDITIVES,
  source: `${SUZ_API}, Таблица 329`,
  groups: [
    {
      ai: "01",
      length: 14,
      charset: "numeric",
      separatorAfter: false,
      checkDigit: true,
      field: "gtin",
      part: "identification",
      title: "Код товара по соответствующей товарной номенклатуре (GTIN)",
    },
    {
      ai: "21",
      length: 6,
      charset: "cset82",
      separatorAfter: true,
      field: "serial",
      part: "identification",
      title: "Индивидуальный серийный номер упаковки",
    },
    {
      ai: "93",
      length: 4,
      charset: "cset82",
      separatorAfter: false,
      field: "checkCode",
      part: "verification",
      title: "Код проверки",
    },
  ],
};

/**
 * «Кормовые добавки», 4 groups (СУЗ API §8.42, Table 330): AI 01 GTIN of 14 digits, AI 21 serial of
 * 13 characters ended by GS, AI 91 verification key of 4 characters ended by GS, AI 92
 * verification code of 44 characters. Raw length 85 (without a prefix).
 */
export const FEED_ADDITIVES_4_GROUP: MarkingStructure = {
  name: "feed-additives-4",
  productGroup: FEED_ADDITIVES,
  source: `${SUZ_API}, Таблица 330`,
  groups: [
    {
      ai: "01",
      length: 14,
      charset: "numeric",
      separatorAfter: false,
      checkDigit: true,
      field: "gtin",
      part: "identification",
      title: "Код товара по соответствующей товарной номенклатуре (GTIN)",
    },
    {
      ai: "21",
      length: 13,
      charset: "cset82",
      separatorAfter: true,
      field: "serial",
      part: "identification",
      title: "Индивидуальный серийный номер единицы товара",
    },
    {
      ai: "91",
      length: 4,
      charset: "cset82",
      separatorAfter: true,
      field: "verificationKey",
      part: "verification",
      title: "Ключ проверки",
    },
    {
      ai: "92",
      length: 44,
      charset: "cset82",
      separatorAfter: false,
      field: "verificationCode",
      part: "verification",
      title: "Код проверки",
    },
  ],
};

/**
 * The structures the default codec knows, in the order it tries them: both forms of
 * «Кормовые добавки» (§8.42).
 */
export const MARKING_STRUCTURES: readonly MarkingStructure[] = [
  FEED_ADDITIVES_3_GROUP,
  FEED_ADDITIVES_4_GROUP,
];

function invalid(structure: unknown, message: string): MarkingCodeError {
  return new MarkingCodeError({
    code: "invalid-structure",
    message: `Invalid marking-code structure ${showValue(structure)}: ${message}`,
    group: null,
    position: 0,
    structure: typeof structure === "string" ? structure : null,
  });
}

/**
 * Checks a structure definition and returns it unchanged (typed), so custom product groups can be
 * declared as data and handed to {@link createMarkingCodec}.
 *
 * @param structure - the definition to check
 * @returns the same definition
 * @throws {@link MarkingCodeError} with code `invalid-structure` when the name is empty, an AI is
 *   not 2-4 digits or repeats, a length is not an integer 1-99, a charset or field is unknown, a
 *   field repeats, `gtin` or `serial` is missing, a check digit sits on a non-numeric group, or the
 *   last group claims a separator after it.
 */
export function defineMarkingStructure<T extends MarkingStructure>(structure: T): T {
  const name: unknown = structure?.name;
  if (typeof name !== "string" || name.length === 0) {
    throw invalid(name, "the name must be a non-empty string");
  }
  if (typeof structure.productGroup !== "string") {
    throw invalid(name, "the product group must be a string");
  }
  const groups: unknown = structure.groups;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw invalid(name, "it needs at least one group");
  }
  const ais = new Set<string>();
  const fields = new Set<string>();
  structure.groups.forEach((g, i) => {
    const where = `group ${i + 1}`;
    if (typeof g.ai !== "string" || !/^[0-9]{2,4}$/.test(g.ai)) {
      throw invalid(name, `${where}: the AI must be 2-4 digits`);
    }
    if (ais.has(g.ai)) throw invalid(name, `${where}: AI (${g.ai}) repeats`);
    ais.add(g.ai);
    if (!Number.isInteger(g.length) || g.length < 1 || g.length > 99) {
      throw invalid(name, `${where} (${g.ai}): the length must be an integer 1-99`);
    }
    if (!MARKING_CHARSETS.includes(g.charset)) {
      throw invalid(name, `${where} (${g.ai}): unknown charset ${showValue(g.charset)}`);
    }
    if (g.checkDigit === true && (g.charset !== "numeric" || g.length < 2)) {
      throw invalid(name, `${where} (${g.ai}): a check digit needs 2+ numeric characters`);
    }
    if (g.part !== "identification" && g.part !== "verification") {
      throw invalid(name, `${where} (${g.ai}): the part must be identification or verification`);
    }
    if (g.field !== undefined) {
      if (!MARKING_FIELDS.includes(g.field)) {
        throw invalid(name, `${where} (${g.ai}): unknown field ${showValue(g.field)}`);
      }
      if (fields.has(g.field)) throw invalid(name, `${where} (${g.ai}): field ${g.field} repeats`);
      fields.add(g.field);
    }
    if (i === structure.groups.length - 1 && g.separatorAfter) {
      throw invalid(name, `${where} (${g.ai}): the last group cannot have a separator after it`);
    }
  });
  if (!fields.has("gtin") || !fields.has("serial")) {
    throw invalid(name, "the fields gtin and serial are required");
  }
  return structure;
}
