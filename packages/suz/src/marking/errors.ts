import { TrustspecError } from "@trustspec/runtime/core";

/**
 * Why a marking code (or a structure definition) was refused:
 *
 * - `not-a-string`: the input is not a string;
 * - `empty`: the input is the empty string;
 * - `truncated`: the input ends before the structure is complete (`position` is the input length);
 * - `bad-length`: a group's value is shorter or longer than its fixed length — in the raw form a GS
 *   comes too early or too late, in the printable form the next `(AI)` is misplaced;
 * - `bad-character`: a character outside the group's character set (or a stray `(`/`)` where the
 *   printable form needs one);
 * - `bad-check-digit`: the GS1 mod-10 check digit of the GTIN is wrong (`position` is the check
 *   digit's);
 * - `unexpected-ai`: another application identifier than the one the structure needs at this place
 *   (`group` is the expected AI);
 * - `missing-separator`: the GS (ASCII 29) the document requires after a group is absent;
 * - `trailing-data`: characters after the last group (`group` is the last group's AI);
 * - `missing-group`: building or formatting lacks the value of a group;
 * - `unknown-structure`: a structure name that the codec does not know;
 * - `invalid-structure`: a structure definition that cannot be used.
 */
export type MarkingCodeErrorCode =
  | "not-a-string"
  | "empty"
  | "truncated"
  | "bad-length"
  | "bad-character"
  | "bad-check-digit"
  | "unexpected-ai"
  | "missing-separator"
  | "trailing-data"
  | "missing-group"
  | "unknown-structure"
  | "invalid-structure";

/** What a {@link MarkingCodeError} is made from. */
export interface MarkingCodeErrorInit {
  /** The machine-readable reason. */
  readonly code: MarkingCodeErrorCode;
  /** The human-readable explanation. */
  readonly message: string;
  /** The AI of the group at fault, or `null` when no group is (e.g. a non-string input). */
  readonly group: string | null;
  /** The 0-based index of the offending place (see {@link MarkingCodeError.position}). */
  readonly position: number;
  /** The name of the structure the input was read against, or `null`. */
  readonly structure: string | null;
}

/**
 * The only error the marking-code functions throw for a malformed code (and for a non-string
 * input, with code `not-a-string`). Its `code` is stable and machine-readable; the message names
 * the group and the position.
 */
export class MarkingCodeError extends TrustspecError {
  /** Why the code was refused. */
  declare readonly code: MarkingCodeErrorCode;
  /**
   * The application identifier (e.g. `"21"`) of the group at fault, or `null` when the fault
   * belongs to no group (non-string or empty input, unknown structure).
   */
  readonly group: string | null;
  /**
   * The 0-based index of the offending character: for parsing, in the input string as given
   * (prefix included); for building and formatting, in the value of `group`. The input length
   * when the input ended too early.
   */
  readonly position: number;
  /**
   * The name of the structure against which the input was read (the one it matched best), or
   * `null`.
   */
  readonly structure: string | null;

  /** @param init - the code, message, group, position and structure of the error */
  constructor(init: MarkingCodeErrorInit) {
    super(init.code, init.message);
    this.name = "MarkingCodeError";
    this.group = init.group;
    this.position = init.position;
    this.structure = init.structure;
  }
}

/** @internal A short, never-throwing rendering of any value for error messages. */
export function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}
