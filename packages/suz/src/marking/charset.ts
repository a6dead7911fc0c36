/**
 * Character sets of GS1 element strings and the GS1 mod-10 check digit.
 *
 * Lookups go through one 128-entry table of bit flags, so checking a character is a single
 * indexed load and a mask test.
 */

/**
 * A character set a marking-code group may use.
 *
 * - `numeric`: the digits `0`-`9` only (GTIN and other numeric AIs);
 * - `cset82`: the GS1 «AI encodable character set 82» — digits, upper- and lower-case Latin
 *   letters and the specials `! " % & ' ( ) * + , - . / : ; < = > ? _`. This is what §8.42 of the
 *   СУЗ API describes as «цифр, строчных и прописных букв латинского алфавита, а также специальных
 *   символов» for AIs 21, 91, 92 and 93 (the document does not enumerate the specials; GS1 does);
 * - `cset39`: the GS1 «AI encodable character set 39» — digits, upper-case Latin letters and
 *   `# - /`.
 */
export type MarkingCharset = "numeric" | "cset82" | "cset39";

/** Every {@link MarkingCharset}, in a stable order. */
export const MARKING_CHARSETS: readonly MarkingCharset[] = ["numeric", "cset82", "cset39"];

/** The characters of GS1 AI encodable character set 82, in code-point order. */
export const GS1_CSET82 =
  "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/** The characters of GS1 AI encodable character set 39, in code-point order. */
export const GS1_CSET39 = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** @internal Bit flag of each charset in {@link CHAR_CLASS}. */
export const CHARSET_MASK: Readonly<Record<MarkingCharset, number>> = {
  numeric: 1,
  cset82: 2,
  cset39: 4,
};

function buildCharClass(): Uint8Array {
  const table = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) table[c] = (table[c] ?? 0) | CHARSET_MASK.numeric;
  for (let i = 0; i < GS1_CSET82.length; i++) {
    const c = GS1_CSET82.charCodeAt(i);
    table[c] = (table[c] ?? 0) | CHARSET_MASK.cset82;
  }
  for (let i = 0; i < GS1_CSET39.length; i++) {
    const c = GS1_CSET39.charCodeAt(i);
    table[c] = (table[c] ?? 0) | CHARSET_MASK.cset39;
  }
  return table;
}

/** @internal For each ASCII code, the OR of the {@link CHARSET_MASK} flags of the sets holding it. */
export const CHAR_CLASS: Uint8Array = buildCharClass();

/**
 * Whether `value` consists only of characters of `charset` (an empty string does).
 *
 * @param value - the text to check
 * @param charset - the character set allowed
 */
export function isInCharset(value: string, charset: MarkingCharset): boolean {
  const mask = CHARSET_MASK[charset];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || ((CHAR_CLASS[c] as number) & mask) === 0) return false;
  }
  return true;
}

/**
 * The GS1 mod-10 check digit of a string of digits that does not yet carry one: weights 3 and 1
 * alternate from the right-most digit (which gets 3), and the check digit brings the weighted sum
 * up to a multiple of ten.
 *
 * @param digits - the data digits (e.g. the first 13 digits of a GTIN-14)
 * @returns the check digit 0-9, or -1 when `digits` is empty or holds a non-digit
 */
export function gs1CheckDigit(digits: string): number {
  const n = digits.length;
  if (n === 0) return -1;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    sum += (n - i) % 2 === 1 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Whether `gtin` is a GTIN-8, -12, -13 or -14 of digits whose last digit is the correct GS1
 * mod-10 check digit.
 *
 * @param gtin - the candidate GTIN
 */
export function isValidGtin(gtin: string): boolean {
  if (typeof gtin !== "string") return false;
  const n = gtin.length;
  if (n !== 8 && n !== 12 && n !== 13 && n !== 14) return false;
  const check = gtin.charCodeAt(n - 1) - 48;
  return check >= 0 && check <= 9 && gs1CheckDigit(gtin.slice(0, n - 1)) === check;
}

/**
 * @internal GS1 mod-10 check of `s[from, to)`, whose last character is the check digit. Digits are
 * assumed verified already.
 */
export function checkDigitMatches(s: string, from: number, to: number): boolean {
  // Weights alternate 3, 1, 3, … leftwards from the digit just before the check digit.
  let sum = 0;
  let triple = true;
  for (let i = to - 2; i >= from; i--) {
    const d = s.charCodeAt(i) - 48;
    sum += triple ? d * 3 : d;
    triple = !triple;
  }
  return (10 - (sum % 10)) % 10 === s.charCodeAt(to - 1) - 48;
}
