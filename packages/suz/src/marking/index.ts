/**
 * GS1 DataMatrix marking codes («коды маркировки») as issued by СУЗ: parsing, validation,
 * building and formatting, driven by structure tables. The built-in tables are those of
 * «Кормовые добавки» (СУЗ API §8.42): the 3-group form `01` GTIN-14 · `21` serial(6) GS ·
 * `93` check code(4), and the 4-group form `01` GTIN-14 · `21` serial(13) GS · `91` key(4) GS ·
 * `92` code(44).
 *
 * @example
 * ```ts
 * const code = parseMarkingCode("]d20104601234567893" + "21ABC123\u001d93Xy9+");
 * code.structure; // "feed-additives-3"
 * formatMarkingCode(code, { form: "printable" }); // "(01)04601234567893(21)ABC123(93)Xy9+"
 * ```
 *
 * @packageDocumentation
 */

import {
  type BuiltMarkingCode,
  createMarkingCodec,
  type FormatMarkingCodeOptions,
  type MarkingCodeFields,
  type ParsedMarkingCode,
  type ParseMarkingCodeOptions,
} from "./codec.js";
import type { MarkingCodeError } from "./errors.js";

export {
  GS1_CSET39,
  GS1_CSET82,
  gs1CheckDigit,
  isInCharset,
  isValidGtin,
  MARKING_CHARSETS,
  type MarkingCharset,
} from "./charset.js";
export {
  type BuiltMarkingCode,
  createMarkingCodec,
  FNC1_CHAR,
  type FormatMarkingCodeOptions,
  GS,
  GS1_DATAMATRIX_SYMBOLOGY_ID,
  MarkingCodec,
  type MarkingCodeFields,
  type MarkingCodeForm,
  type MarkingCodeGroup,
  type MarkingCodePrefix,
  type ParsedMarkingCode,
  type ParseMarkingCodeOptions,
} from "./codec.js";
export {
  MarkingCodeError,
  type MarkingCodeErrorCode,
  type MarkingCodeErrorInit,
} from "./errors.js";
export {
  defineMarkingStructure,
  FEED_ADDITIVES_3_GROUP,
  FEED_ADDITIVES_4_GROUP,
  MARKING_FIELDS,
  MARKING_STRUCTURES,
  type MarkingField,
  type MarkingGroupDefinition,
  type MarkingPart,
  type MarkingStructure,
} from "./structures.js";

/** The codec of the built-in structures ({@link MARKING_STRUCTURES}) the functions below use. */
export const defaultMarkingCodec = createMarkingCodec();

/**
 * Parses a marking code of a built-in structure, raw (GS separators, optional `]d2` / GS / `è`
 * prefix) or printable (`(01)…`). See {@link MarkingCodec.parse}.
 *
 * @param input - the code as scanned or printed
 * @param options - restrict the structure or form, or tolerate lost separators
 * @throws {@link MarkingCodeError} for anything that is not a valid code
 */
export function parseMarkingCode(
  input: unknown,
  options?: ParseMarkingCodeOptions,
): ParsedMarkingCode {
  return defaultMarkingCodec.parse(input, options);
}

/**
 * Whether `input` is a valid code of a built-in structure; allocates nothing. See
 * {@link MarkingCodec.isValid}.
 *
 * @param input - the code as scanned or printed
 * @param options - as for {@link parseMarkingCode}
 */
export function isValidMarkingCode(input: unknown, options?: ParseMarkingCodeOptions): boolean {
  return defaultMarkingCodec.isValid(input, options);
}

/**
 * The error {@link parseMarkingCode} would throw for `input`, or `null` when it is valid. See
 * {@link MarkingCodec.validate}.
 *
 * @param input - the code as scanned or printed
 * @param options - as for {@link parseMarkingCode}
 */
export function validateMarkingCode(
  input: unknown,
  options?: ParseMarkingCodeOptions,
): MarkingCodeError | null {
  return defaultMarkingCodec.validate(input, options);
}

/**
 * Builds a code of a built-in structure from its values and returns it with its raw form (with GS)
 * and printable form. See {@link MarkingCodec.build}.
 *
 * @param fields - e.g. `{ gtin, serial, checkCode }` or `{ gtin, serial, verificationKey,
 *   verificationCode }`
 * @throws {@link MarkingCodeError} when a value is missing or invalid
 */
export function buildMarkingCode(fields: MarkingCodeFields): BuiltMarkingCode {
  return defaultMarkingCodec.build(fields);
}

/**
 * Writes a code in raw (default) or printable form. See {@link MarkingCodec.format}.
 *
 * @param code - a parsed or built code
 * @param options - the form, a raw prefix, or only the identification code
 * @throws {@link MarkingCodeError} when the code is not valid
 */
export function formatMarkingCode(
  code: ParsedMarkingCode,
  options?: FormatMarkingCodeOptions,
): string {
  return defaultMarkingCodec.format(code, options);
}
