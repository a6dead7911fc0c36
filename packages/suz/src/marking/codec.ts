/**
 * The marking-code codec: parsing (raw and printable forms), validation, building and formatting,
 * driven entirely by {@link MarkingStructure} data.
 *
 * The parser is a single left-to-right `charCodeAt` pass per candidate structure, with the
 * candidates picked by input length, so a valid code is read in one pass without regular
 * expressions; allocation is limited to the result. Diagnosing a bad code is slower: every
 * structure is tried and the one the input matches furthest explains the fault.
 */

import { CHAR_CLASS, CHARSET_MASK, checkDigitMatches, gs1CheckDigit } from "./charset.js";
import { MarkingCodeError, type MarkingCodeErrorCode, showValue } from "./errors.js";
import {
  defineMarkingStructure,
  MARKING_STRUCTURES,
  type MarkingField,
  type MarkingPart,
  type MarkingStructure,
} from "./structures.js";

/** The group separator GS (ASCII 29), which stands for FNC1 inside a GS1 DataMatrix. */
export const GS = "\u001d";
/** FNC1 as some scanners transmit it in keyboard mode (`è`, U+00E8); accepted as a leading FNC1. */
export const FNC1_CHAR = "\u00e8";
/** The symbology identifier of GS1 DataMatrix (ISO/IEC 15424), accepted in front of a code. */
export const GS1_DATAMATRIX_SYMBOLOGY_ID = "]d2";

/** A prefix a raw code may carry in front of its first AI (see {@link formatMarkingCode}). */
export type MarkingCodePrefix = "" | "]d2" | "\u001d" | "\u00e8";

/** The two textual forms of a code: raw (AIs unmarked, GS separators) or printable (`(01)…`). */
export type MarkingCodeForm = "raw" | "printable";

/** One group of a parsed code: its application identifier and value. */
export interface MarkingCodeGroup {
  /** The application identifier, e.g. `"21"`. */
  readonly ai: string;
  /** The value, exactly as in the code. */
  readonly value: string;
}

/** A parsed (and so valid) marking code. */
export interface ParsedMarkingCode {
  /** The name of the structure the code matched (e.g. `"feed-additives-3"`). */
  readonly structure: string;
  /** The GTIN-14 (AI 01), check digit verified. */
  readonly gtin: string;
  /** The serial number (AI 21). */
  readonly serial: string;
  /** The check code (AI 93) of the 3-group form. */
  readonly checkCode?: string;
  /** The verification key (AI 91) of the 4-group form. */
  readonly verificationKey?: string;
  /** The verification code (AI 92) of the 4-group form. */
  readonly verificationCode?: string;
  /** Every group in code order, including groups without a named field. */
  readonly groups: readonly MarkingCodeGroup[];
}

/** Options of {@link MarkingCodec.parse}, {@link MarkingCodec.isValid} and {@link MarkingCodec.validate}. */
export interface ParseMarkingCodeOptions {
  /** Accept only the structure of this name. */
  readonly structure?: string;
  /**
   * The form of the input; `"auto"` (default) reads it as printable when its first character
   * after any prefix is `(`, otherwise as raw.
   */
  readonly form?: MarkingCodeForm | "auto";
  /**
   * Accept a raw code whose GS separators were lost (e.g. by a keyboard-wedge scanner). The fixed
   * group lengths keep such a code unambiguous. Default `false`: a missing GS is an error, as the
   * document requires it.
   */
  readonly allowMissingSeparators?: boolean;
}

/**
 * The values to build a code from: the named fields and, for groups without a named field, the
 * values by AI in `values`.
 */
export interface MarkingCodeFields {
  /** Build with this structure; by default the one that takes exactly the given fields. */
  readonly structure?: string;
  /** The GTIN-14 (AI 01), with its check digit. */
  readonly gtin?: string;
  /** The serial number (AI 21). */
  readonly serial?: string;
  /** The check code (AI 93). */
  readonly checkCode?: string;
  /** The verification key (AI 91). */
  readonly verificationKey?: string;
  /** The verification code (AI 92). */
  readonly verificationCode?: string;
  /** Values of groups without a named field, by AI. */
  readonly values?: Readonly<Record<string, string>>;
}

/** What {@link MarkingCodec.build} returns: the code, its raw form (with GS) and printable form. */
export interface BuiltMarkingCode {
  /** The code, as {@link MarkingCodec.parse} would return it for `raw`. */
  readonly code: ParsedMarkingCode;
  /** The raw form: AIs and values with GS (ASCII 29) separators, no prefix. */
  readonly raw: string;
  /** The printable form with parenthesised AIs, e.g. `(01)04601234567893(21)…`. */
  readonly printable: string;
}

/** Options of {@link MarkingCodec.format}. */
export interface FormatMarkingCodeOptions {
  /** The form to produce; default `"raw"`. */
  readonly form?: MarkingCodeForm;
  /** A prefix in front of a raw code (ignored for the printable form); default none. */
  readonly prefix?: MarkingCodePrefix;
  /**
   * `"identification"` produces only the identification code (groups of part
   * `identification`, e.g. `01…21…` without the check part); default `"all"`.
   */
  readonly part?: "all" | "identification";
}

// ---------------------------------------------------------------------------------------------
// Compiled structures
// ---------------------------------------------------------------------------------------------

const GS_CODE = 29;
const PAREN_OPEN = 40;
const PAREN_CLOSE = 41;
const MAX_AI = 4;

interface Compiled {
  readonly def: MarkingStructure;
  readonly name: string;
  readonly index: number;
  readonly n: number;
  readonly ais: readonly string[];
  readonly printableAis: readonly string[];
  /** GS + AI of each group that follows a separator (else ""), for diagnosis. */
  readonly gsAis: readonly string[];
  /** AI character codes, `MAX_AI` slots per group. */
  readonly aiCodes: Int32Array;
  readonly aiLens: Int32Array;
  readonly lengths: Int32Array;
  readonly masks: Int32Array;
  readonly seps: Uint8Array;
  readonly checks: Uint8Array;
  readonly fields: readonly (MarkingField | undefined)[];
  readonly parts: readonly MarkingPart[];
  readonly fieldSet: ReadonlySet<MarkingField>;
  /** Raw length with every separator, without a prefix. */
  readonly rawLength: number;
  readonly separatorCount: number;
  readonly printableLength: number;
  /** Scratch: the value start of each group, filled by a successful scan. */
  readonly starts: Int32Array;
}

function compile(def: MarkingStructure, index: number): Compiled {
  defineMarkingStructure(def);
  const n = def.groups.length;
  const aiCodes = new Int32Array(n * MAX_AI);
  const aiLens = new Int32Array(n);
  const lengths = new Int32Array(n);
  const masks = new Int32Array(n);
  const seps = new Uint8Array(n);
  const checks = new Uint8Array(n);
  let rawLength = 0;
  let separatorCount = 0;
  let printableLength = 0;
  def.groups.forEach((g, i) => {
    for (let k = 0; k < g.ai.length; k++) aiCodes[i * MAX_AI + k] = g.ai.charCodeAt(k);
    aiLens[i] = g.ai.length;
    lengths[i] = g.length;
    masks[i] = CHARSET_MASK[g.charset];
    seps[i] = g.separatorAfter ? 1 : 0;
    checks[i] = g.checkDigit === true ? 1 : 0;
    rawLength += g.ai.length + g.length + (g.separatorAfter ? 1 : 0);
    separatorCount += g.separatorAfter ? 1 : 0;
    printableLength += g.ai.length + 2 + g.length;
  });
  return {
    def,
    name: def.name,
    index,
    n,
    ais: def.groups.map((g) => g.ai),
    printableAis: def.groups.map((g) => `(${g.ai})`),
    gsAis: def.groups.map((g, i) => (def.groups[i - 1]?.separatorAfter ? GS + g.ai : "")),
    aiCodes,
    aiLens,
    lengths,
    masks,
    seps,
    checks,
    fields: def.groups.map((g) => g.field),
    parts: def.groups.map((g) => g.part),
    fieldSet: new Set(def.groups.flatMap((g) => (g.field === undefined ? [] : [g.field]))),
    rawLength,
    separatorCount,
    printableLength,
    starts: new Int32Array(n),
  };
}

function addByLength(table: (Compiled[] | undefined)[], length: number, c: Compiled): void {
  while (table.length <= length) table.push(undefined);
  const list = table[length];
  if (list === undefined) table[length] = [c];
  else if (!list.includes(c)) list.push(c);
}

// ---------------------------------------------------------------------------------------------
// Scanning. A failed scan records why in these module variables (no allocation); the slow
// diagnosis path turns the best record into a MarkingCodeError.
// ---------------------------------------------------------------------------------------------

let failCode: MarkingCodeErrorCode = "truncated";
let failGroup = 0;
let failPos = 0;
let failScore = 0;
/** bad-length: the value's actual length (or -1 when unknown). */
let failInfo = -1;

function fail(
  code: MarkingCodeErrorCode,
  group: number,
  pos: number,
  score: number,
  info: number,
): false {
  failCode = code;
  failGroup = group;
  failPos = pos;
  failScore = score;
  failInfo = info;
  return false;
}

/** The length of a tolerated prefix: `]d2`, then at most one FNC1 (GS or `è`). */
function prefixLength(s: string): number {
  let p = 0;
  if (s.charCodeAt(0) === 93 && s.charCodeAt(1) === 100 && s.charCodeAt(2) === 50) p = 3;
  const c = s.charCodeAt(p);
  if (c === GS_CODE || c === 0xe8) p++;
  return p;
}

function aiAt(s: string, pos: number, c: Compiled, g: number): boolean {
  const aiLen = c.aiLens[g]!;
  if (pos + aiLen > s.length) return false;
  const base = g * MAX_AI;
  for (let k = 0; k < aiLen; k++) {
    if (s.charCodeAt(pos + k) !== c.aiCodes[base + k]) return false;
  }
  return true;
}

/** Reads the value of group `g` at `pos`; returns the position after it, or -1 on failure. */
function scanValue(s: string, pos: number, c: Compiled, g: number, raw: boolean): number {
  const len = s.length;
  const vStart = pos;
  const vEnd = pos + c.lengths[g]!;
  const mask = c.masks[g]!;
  const stop = vEnd < len ? vEnd : len;
  const table = CHAR_CLASS;
  for (; pos < stop; pos++) {
    const ch = s.charCodeAt(pos);
    if (ch >= 128 || (table[ch]! & mask) === 0) {
      if (raw && ch === GS_CODE) fail("bad-length", g, pos, 2 * g, pos - vStart);
      else fail("bad-character", g, pos, 2 * g, -1);
      return -1;
    }
  }
  if (stop < vEnd) {
    // Everything so far fits: the input is a consistent prefix of this structure.
    fail("truncated", g, len, 2 * g + 1, len - vStart);
    return -1;
  }
  if (c.checks[g] === 1 && !checkDigitMatches(s, vStart, vEnd)) {
    fail("bad-check-digit", g, vEnd - 1, 2 * g + 1, -1);
    return -1;
  }
  c.starts[g] = vStart;
  return vEnd;
}

/** A GS was due after group `g` at `pos` but another character is there. */
function failSeparator(s: string, c: Compiled, g: number, pos: number): false {
  const score = 2 * g + 1;
  if (aiAt(s, pos, c, g + 1)) return fail("missing-separator", g, pos, score, -1);
  // The value may simply run on: a GS further on after more value characters.
  const mask = c.masks[g]!;
  let q = pos;
  while (q < s.length) {
    const ch = s.charCodeAt(q);
    if (ch >= 128 || (CHAR_CLASS[ch]! & mask) === 0) break;
    q++;
  }
  if (s.charCodeAt(q) === GS_CODE) return fail("bad-length", g, pos, score, q - c.starts[g]!);
  // Neither the next AI nor a later GS: weak evidence that the value really ended here.
  return fail("missing-separator", g, pos, score - 1, -1);
}

function scanRaw(s: string, start: number, c: Compiled, lenient: boolean): boolean {
  const len = s.length;
  const n = c.n;
  let pos = start;
  for (let g = 0; g < n; g++) {
    const aiLen = c.aiLens[g]!;
    const base = g * MAX_AI;
    for (let k = 0; k < aiLen; k++) {
      if (pos + k >= len) return fail("truncated", g, len, 2 * g, -1);
      if (s.charCodeAt(pos + k) !== c.aiCodes[base + k]) {
        return fail("unexpected-ai", g, pos, 2 * g, -1);
      }
    }
    pos = scanValue(s, pos + aiLen, c, g, true);
    if (pos < 0) return false;
    if (c.seps[g] === 1) {
      if (pos >= len) return fail("truncated", g + 1, len, 2 * g + 1, -1);
      if (s.charCodeAt(pos) === GS_CODE) pos++;
      else if (!lenient) return failSeparator(s, c, g, pos);
    }
  }
  if (pos !== len) return fail("trailing-data", n - 1, pos, 2 * n, -1);
  return true;
}

function failPrintableAi(s: string, c: Compiled, g: number, pos: number): false {
  const len = s.length;
  if (g > 0) {
    // The previous value may be too short or too long: is the expected "(AI)" elsewhere?
    const prevStart = c.starts[g - 1]!;
    const q = s.indexOf(c.printableAis[g]!, prevStart);
    if (q >= 0 && q !== pos) {
      return fail("bad-length", g - 1, q < pos ? q : pos, 2 * g - 1, q - prevStart);
    }
  }
  const text = c.printableAis[g]!;
  if (pos >= len || (len - pos < text.length && text.startsWith(s.slice(pos)))) {
    return fail("truncated", g, len, 2 * g, -1);
  }
  return fail("unexpected-ai", g, s.charCodeAt(pos) === PAREN_OPEN ? pos + 1 : pos, 2 * g, -1);
}

function scanPrintable(s: string, start: number, c: Compiled): boolean {
  const len = s.length;
  const n = c.n;
  let pos = start;
  for (let g = 0; g < n; g++) {
    const aiLen = c.aiLens[g]!;
    const base = g * MAX_AI;
    let ok = pos + aiLen + 2 <= len && s.charCodeAt(pos) === PAREN_OPEN;
    for (let k = 0; ok && k < aiLen; k++) ok = s.charCodeAt(pos + 1 + k) === c.aiCodes[base + k];
    if (!ok || s.charCodeAt(pos + aiLen + 1) !== PAREN_CLOSE) return failPrintableAi(s, c, g, pos);
    pos = scanValue(s, pos + aiLen + 2, c, g, false);
    if (pos < 0) return false;
  }
  if (pos !== len) return fail("trailing-data", n - 1, pos, 2 * n, -1);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Results and messages
// ---------------------------------------------------------------------------------------------

type MutableParsed = { -readonly [K in keyof ParsedMarkingCode]: ParsedMarkingCode[K] };

function materialize(s: string, c: Compiled): ParsedMarkingCode {
  const n = c.n;
  const starts = c.starts;
  const groups: MarkingCodeGroup[] = new Array(n);
  const out: MutableParsed = { structure: c.name, gtin: "", serial: "", groups };
  for (let g = 0; g < n; g++) {
    const st = starts[g]!;
    const value = s.slice(st, st + c.lengths[g]!);
    groups[g] = { ai: c.ais[g]!, value };
    switch (c.fields[g]) {
      case "gtin":
        out.gtin = value;
        break;
      case "serial":
        out.serial = value;
        break;
      case "checkCode":
        out.checkCode = value;
        break;
      case "verificationKey":
        out.verificationKey = value;
        break;
      case "verificationCode":
        out.verificationCode = value;
        break;
      default:
        break;
    }
  }
  return out;
}

function describeChar(s: string, pos: number): string {
  if (pos >= s.length) return "the end of the input";
  const ch = s.charCodeAt(pos);
  if (ch === GS_CODE) return "GS (ASCII 29)";
  const cp = s.codePointAt(pos)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  return cp >= 32 && cp < 127 ? JSON.stringify(String.fromCodePoint(cp)) : `U+${hex}`;
}

function charsetText(c: Compiled, g: number): string {
  switch (c.def.groups[g]!.charset) {
    case "numeric":
      return "digits only";
    case "cset82":
      return "GS1 character set 82: digits, Latin letters and !\"%&'()*+,-./:;<=>?_";
    default:
      return "GS1 character set 39: digits, upper-case Latin letters and #-/";
  }
}

function errorFromFailure(s: string, c: Compiled, printable: boolean): MarkingCodeError {
  const g = failGroup;
  const pos = failPos;
  const ai = c.ais[g]!;
  const length = c.lengths[g]!;
  const title = c.def.groups[g]!.title;
  const label = `group (${ai})${title === undefined ? "" : ` «${title}»`}`;
  let detail: string;
  switch (failCode) {
    case "truncated":
      detail =
        failInfo >= 0
          ? `the input ends at position ${pos} after ${failInfo} of the ${length} characters of ${label}`
          : `the input ends at position ${pos} where ${label} should begin`;
      break;
    case "bad-length":
      detail =
        failInfo >= 0 && failInfo < length
          ? `${label} has ${failInfo} characters instead of ${length}: ${describeChar(s, pos)} at position ${pos} ends it early`
          : `${label} has ${failInfo >= 0 ? failInfo : "more"} characters instead of ${length}: ${describeChar(s, pos)} at position ${pos} is one too many`;
      break;
    case "bad-character":
      detail = `${describeChar(s, pos)} at position ${pos} is not allowed in ${label} (${charsetText(c, g)})`;
      break;
    case "bad-check-digit": {
      const st = pos - length + 1;
      const expected = gs1CheckDigit(s.slice(st, pos));
      detail = `the GS1 check digit of ${label} at position ${pos} is ${s.charAt(pos)}, it should be ${expected}`;
      break;
    }
    case "unexpected-ai": {
      const found = printable ? s.slice(pos, pos + ai.length + 1) : s.slice(pos, pos + ai.length);
      detail = `${printable ? `(${ai})` : `AI ${ai}`} of ${label} expected at position ${pos}, found ${JSON.stringify(found)}`;
      break;
    }
    case "missing-separator":
      detail = `${label} must be followed by GS (ASCII 29) at position ${pos}, found ${describeChar(s, pos)}`;
      break;
    default:
      detail = `${describeChar(s, pos)} at position ${pos} follows the last ${label}`;
      break;
  }
  return new MarkingCodeError({
    code: failCode,
    message: `Invalid marking code (read as ${c.name}): ${detail}`,
    group: ai,
    position: pos,
    structure: c.name,
  });
}

/**
 * How many of the structure's later AIs the input visibly carries: in the raw form an AI right after
 * a GS (only for groups that follow one), in the printable form the `(AI)` text. Diagnosis prefers
 * the structure with the most, since GS cannot occur inside a value.
 */
function evidence(s: string, start: number, c: Compiled, printable: boolean): number {
  let found = 0;
  for (let g = 1; g < c.n; g++) {
    const text = printable ? c.printableAis[g]! : c.gsAis[g]!;
    if (text !== "" && s.indexOf(text, start) >= 0) found++;
  }
  return found;
}

function simpleError(
  code: MarkingCodeErrorCode,
  message: string,
  group: string | null = null,
  position = 0,
  structure: string | null = null,
): MarkingCodeError {
  return new MarkingCodeError({ code, message, group, position, structure });
}

function notAString(input: unknown): MarkingCodeError {
  const type = input === null ? "null" : Array.isArray(input) ? "array" : typeof input;
  return simpleError("not-a-string", `A marking code must be a string, got ${type}`);
}

// ---------------------------------------------------------------------------------------------
// Building and formatting
// ---------------------------------------------------------------------------------------------

/** Checks one value for group `g`; returns an error, or null when it is fine. */
function checkGroupValue(c: Compiled, g: number, value: unknown): MarkingCodeError | null {
  const ai = c.ais[g]!;
  const length = c.lengths[g]!;
  const label = `group (${ai}) of ${c.name}`;
  if (value === undefined) {
    return simpleError("missing-group", `No value for ${label}`, ai, 0, c.name);
  }
  if (typeof value !== "string") {
    return simpleError(
      "not-a-string",
      `The value of ${label} must be a string, got ${value === null ? "null" : typeof value}`,
      ai,
      0,
      c.name,
    );
  }
  const mask = c.masks[g]!;
  const stop = value.length < length ? value.length : length;
  for (let i = 0; i < stop; i++) {
    const ch = value.charCodeAt(i);
    if (ch >= 128 || (CHAR_CLASS[ch]! & mask) === 0) {
      return simpleError(
        "bad-character",
        `${describeChar(value, i)} at position ${i} of ${label} is not allowed (${charsetText(c, g)})`,
        ai,
        i,
        c.name,
      );
    }
  }
  if (value.length !== length) {
    return simpleError(
      "bad-length",
      `${label} needs ${length} characters, got ${value.length}`,
      ai,
      stop,
      c.name,
    );
  }
  if (c.checks[g] === 1 && !checkDigitMatches(value, 0, length)) {
    const expected = gs1CheckDigit(value.slice(0, length - 1));
    return simpleError(
      "bad-check-digit",
      `The GS1 check digit of ${label} is ${value.charAt(length - 1)}, it should be ${expected}`,
      ai,
      length - 1,
      c.name,
    );
  }
  return null;
}

function assemble(
  c: Compiled,
  values: readonly string[],
  form: MarkingCodeForm,
  prefix: string,
  identificationOnly: boolean,
): string {
  let out = form === "raw" ? prefix : "";
  let pendingSeparator = false;
  for (let g = 0; g < c.n; g++) {
    if (identificationOnly && c.parts[g] !== "identification") continue;
    if (form === "raw") {
      if (pendingSeparator) out += GS;
      out += c.ais[g]! + values[g]!;
      pendingSeparator = c.seps[g] === 1;
    } else {
      out += c.printableAis[g]! + values[g]!;
    }
  }
  return out;
}

function codeFromValues(c: Compiled, values: readonly string[]): ParsedMarkingCode {
  const raw = values.join("");
  let offset = 0;
  for (let g = 0; g < c.n; g++) {
    c.starts[g] = offset;
    offset += c.lengths[g]!;
  }
  return materialize(raw, c);
}

const PREFIXES: readonly string[] = ["", GS1_DATAMATRIX_SYMBOLOGY_ID, GS, FNC1_CHAR];

// ---------------------------------------------------------------------------------------------
// The codec
// ---------------------------------------------------------------------------------------------

/**
 * Parses, validates, builds and formats marking codes of a set of {@link MarkingStructure}s. The
 * structures are data: add a product group by passing its definition (see
 * {@link createMarkingCodec}). Every method that reads a code throws (or returns) only
 * {@link MarkingCodeError}.
 */
export class MarkingCodec {
  /** The structures of this codec, in the order they are tried. */
  readonly structures: readonly MarkingStructure[];
  readonly #compiled: readonly Compiled[];
  readonly #byName: ReadonlyMap<string, Compiled>;
  readonly #raw: (Compiled[] | undefined)[] = [];
  readonly #rawLenient: (Compiled[] | undefined)[] = [];
  readonly #printable: (Compiled[] | undefined)[] = [];

  /**
   * @param structures - the structures to read and write, tried in this order when an input fits
   *   more than one; by default {@link MARKING_STRUCTURES}
   * @throws {@link MarkingCodeError} `invalid-structure` for a bad definition or a repeated name
   */
  constructor(structures: readonly MarkingStructure[] = MARKING_STRUCTURES) {
    const compiled = structures.map((s, i) => compile(s, i));
    const byName = new Map<string, Compiled>();
    for (const c of compiled) {
      if (byName.has(c.name)) {
        throw simpleError(
          "invalid-structure",
          `Structure name ${JSON.stringify(c.name)} is used twice`,
          null,
          0,
          c.name,
        );
      }
      byName.set(c.name, c);
      addByLength(this.#raw, c.rawLength, c);
      for (let k = 0; k <= c.separatorCount; k++) addByLength(this.#rawLenient, c.rawLength - k, c);
      addByLength(this.#printable, c.printableLength, c);
    }
    this.structures = Object.freeze([...structures]);
    this.#compiled = compiled;
    this.#byName = byName;
  }

  /**
   * The structure of this name, or `undefined`.
   *
   * @param name - a structure name such as `"feed-additives-4"`
   */
  structure(name: string): MarkingStructure | undefined {
    return this.#byName.get(name)?.def;
  }

  /**
   * Parses a marking code in raw form (AIs unmarked, GS after the groups that need one, optional
   * `]d2` / GS / `è` prefix) or printable form (`(01)…(21)…`).
   *
   * @param input - the code as scanned or printed
   * @param options - restrict the structure or form, or tolerate lost separators
   * @returns the code's structure name, fields and groups
   * @throws {@link MarkingCodeError} when the input is not a valid code of any structure (or not a
   *   string); its `group` and `position` point at the fault
   */
  parse(input: unknown, options?: ParseMarkingCodeOptions): ParsedMarkingCode {
    if (typeof input !== "string") throw notAString(input);
    const c = this.#locate(input, options);
    if (c === null) throw this.#diagnose(input, options);
    return materialize(input, c);
  }

  /**
   * Whether `input` is a valid code, without building a result (the fastest check).
   *
   * @param input - the code as scanned or printed
   * @param options - as for {@link MarkingCodec.parse}
   */
  isValid(input: unknown, options?: ParseMarkingCodeOptions): boolean {
    return typeof input === "string" && this.#locate(input, options) !== null;
  }

  /**
   * Checks `input` and returns the error {@link MarkingCodec.parse} would throw, or `null` when
   * the code is valid.
   *
   * @param input - the code as scanned or printed
   * @param options - as for {@link MarkingCodec.parse}
   */
  validate(input: unknown, options?: ParseMarkingCodeOptions): MarkingCodeError | null {
    if (typeof input !== "string") return notAString(input);
    return this.#locate(input, options) === null ? this.#diagnose(input, options) : null;
  }

  /**
   * Builds a code from its values, checking each against the structure.
   *
   * @param fields - the values (and optionally the structure name)
   * @returns the code, its raw form (with GS) and its printable form
   * @throws {@link MarkingCodeError} when a value is missing, not a string, of the wrong length or
   *   characters, or the GTIN check digit is wrong; `position` is then the index in that value
   */
  build(fields: MarkingCodeFields): BuiltMarkingCode {
    if (fields === null || typeof fields !== "object") {
      throw simpleError("missing-group", "buildMarkingCode needs an object of group values");
    }
    const candidates = this.#buildCandidates(fields);
    let best: MarkingCodeError | null = null;
    let bestGroup = -1;
    for (const c of candidates) {
      const values: string[] = [];
      let error: MarkingCodeError | null = null;
      let g = 0;
      for (; g < c.n; g++) {
        const field = c.fields[g];
        const value: unknown =
          field === undefined ? fields.values?.[c.ais[g]!] : (fields as MarkingCodeFields)[field];
        error = checkGroupValue(c, g, value);
        if (error !== null) break;
        values.push(value as string);
      }
      if (error === null) {
        return {
          code: codeFromValues(c, values),
          raw: assemble(c, values, "raw", "", false),
          printable: assemble(c, values, "printable", "", false),
        };
      }
      if (g > bestGroup) {
        best = error;
        bestGroup = g;
      }
    }
    throw best!;
  }

  /**
   * Writes a parsed (or built) code in raw or printable form, re-checking every value.
   *
   * @param code - the code, e.g. from {@link MarkingCodec.parse}
   * @param options - the form, a raw prefix, and whether to write only the identification code
   * @returns the code as text
   * @throws {@link MarkingCodeError} when the structure is unknown or a value is missing or invalid
   */
  format(code: ParsedMarkingCode, options?: FormatMarkingCodeOptions): string {
    if (code === null || typeof code !== "object") {
      throw simpleError("missing-group", "formatMarkingCode needs a parsed marking code");
    }
    const c = this.#byName.get(code.structure);
    if (c === undefined) throw this.#unknownStructure(code.structure);
    const form = options?.form ?? "raw";
    const prefix = options?.prefix ?? "";
    if (!PREFIXES.includes(prefix)) {
      throw simpleError("bad-character", `Unsupported prefix ${showValue(prefix)}`);
    }
    const groups: readonly MarkingCodeGroup[] = Array.isArray(code.groups) ? code.groups : [];
    for (const entry of groups) {
      if (!c.ais.includes(entry?.ai)) {
        throw simpleError(
          "unexpected-ai",
          `Group (${showValue(entry?.ai)}) is not part of ${c.name}`,
          typeof entry?.ai === "string" ? entry.ai : null,
          0,
          c.name,
        );
      }
    }
    const values: string[] = [];
    for (let g = 0; g < c.n; g++) {
      const field = c.fields[g];
      const fromGroups = groups.find((e) => e.ai === c.ais[g])?.value;
      const value: unknown =
        fromGroups ?? (field === undefined ? undefined : (code as ParsedMarkingCode)[field]);
      const error = checkGroupValue(c, g, value);
      if (error !== null) throw error;
      values.push(value as string);
    }
    return assemble(c, values, form, prefix, options?.part === "identification");
  }

  #unknownStructure(name: unknown): MarkingCodeError {
    return simpleError(
      "unknown-structure",
      `Unknown marking-code structure ${showValue(name)}; known: ${[...this.#byName.keys()].join(", ")}`,
    );
  }

  #buildCandidates(fields: MarkingCodeFields): readonly Compiled[] {
    if (fields.structure !== undefined) {
      const c = this.#byName.get(fields.structure);
      if (c === undefined) throw this.#unknownStructure(fields.structure);
      return [c];
    }
    const given = (
      ["gtin", "serial", "checkCode", "verificationKey", "verificationCode"] as const
    ).filter((f) => fields[f] !== undefined);
    const candidates = this.#compiled.filter((c) => given.every((f) => c.fieldSet.has(f)));
    if (candidates.length === 0) {
      throw simpleError(
        "unexpected-ai",
        `No marking-code structure takes all of ${given.join(", ")}`,
      );
    }
    return candidates;
  }

  /** Finds the structure `s` is valid for, or null; fills the structure's `starts`. */
  #locate(s: string, options: ParseMarkingCodeOptions | undefined): Compiled | null {
    let only: Compiled | undefined;
    let lenient = false;
    let form: MarkingCodeForm | "auto" = "auto";
    if (options !== undefined && options !== null) {
      if (options.structure !== undefined) {
        only = this.#byName.get(options.structure);
        if (only === undefined) return null;
      }
      lenient = options.allowMissingSeparators === true;
      if (options.form === "raw" || options.form === "printable") form = options.form;
    }
    const start = prefixLength(s);
    const printable = form === "auto" ? s.charCodeAt(start) === PAREN_OPEN : form === "printable";
    const table = printable ? this.#printable : lenient ? this.#rawLenient : this.#raw;
    const eff = s.length - start;
    if (eff >= table.length) return null;
    const candidates = table[eff];
    if (candidates === undefined) return null;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (only !== undefined && c !== only) continue;
      if (printable ? scanPrintable(s, start, c) : scanRaw(s, start, c, lenient)) return c;
    }
    return null;
  }

  /**
   * Explains why `s` is invalid. Every structure is tried; the fault is named by the one with the
   * most visible later AIs, then the furthest progress (groups read), then the closest expected
   * length, then the furthest position, then the first in order.
   */
  #diagnose(s: string, options: ParseMarkingCodeOptions | undefined): MarkingCodeError {
    if (s.length === 0) return simpleError("empty", "A marking code cannot be empty");
    let list = this.#compiled;
    if (options?.structure !== undefined) {
      const c = this.#byName.get(options.structure);
      if (c === undefined) return this.#unknownStructure(options.structure);
      list = [c];
    }
    const lenient = options?.allowMissingSeparators === true;
    const start = prefixLength(s);
    const form = options?.form;
    const printable =
      form === "raw" || form === "printable" ? form === "printable" : s.charCodeAt(start) === 40;
    const eff = s.length - start;
    let best: Compiled | null = null;
    let bCode: MarkingCodeErrorCode = "truncated";
    let bGroup = 0;
    let bPos = 0;
    let bScore = -1;
    let bInfo = -1;
    let bDistance = 0;
    let bEvidence = -1;
    for (const c of list) {
      const ok = printable ? scanPrintable(s, start, c) : scanRaw(s, start, c, lenient);
      if (ok) continue; // cannot happen: #locate would have found it
      const expected = printable ? c.printableLength : c.rawLength;
      const distance = Math.abs(expected - eff);
      const found = evidence(s, start, c, printable);
      const better =
        found !== bEvidence
          ? found > bEvidence
          : failScore !== bScore
            ? failScore > bScore
            : distance !== bDistance
              ? distance < bDistance
              : failPos > bPos;
      if (best === null || better) {
        best = c;
        bCode = failCode;
        bGroup = failGroup;
        bPos = failPos;
        bScore = failScore;
        bInfo = failInfo;
        bDistance = distance;
        bEvidence = found;
      }
    }
    if (best === null) return simpleError("empty", "No marking-code structure to read with");
    fail(bCode, bGroup, bPos, bScore, bInfo);
    return errorFromFailure(s, best, printable);
  }
}

/**
 * Makes a codec for the given structures — how a product group beyond §8.42 is added: define its
 * structure as data and pass it along with (or instead of) {@link MARKING_STRUCTURES}.
 *
 * @param structures - the structures, tried in this order; default {@link MARKING_STRUCTURES}
 * @throws {@link MarkingCodeError} `invalid-structure` for a bad definition or a repeated name
 */
export function createMarkingCodec(
  structures: readonly MarkingStructure[] = MARKING_STRUCTURES,
): MarkingCodec {
  return new MarkingCodec(structures);
}
