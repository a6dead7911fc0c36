/**
 * The string formats the specs use, checked as ajv-formats' `full` mode checks them, one export
 * per format so that a bundle carries only the formats its validators use. Generated validators
 * import them; a runtime test compares each with ajv-formats on the same strings.
 */

/** A format's check, in the shape ajv-formats gives its formats. */
export interface FormatDefinition<T extends string | number> {
  /** The JSON type the format applies to: numbers, or strings when absent. */
  type?: "number";
  /** Whether the value is in the format. */
  validate(value: T): boolean;
}

/**
 * `date-time` (RFC 3339 section 5.6): a `full-date` (`YYYY-MM-DD`, a day that exists in that month),
 * `T` or a space, and a `full-time` (`hh:mm:ss[.frac]` and a zone, `Z` or `±hh[:]mm`, required);
 * second 60 only where it is 23:59 UTC (a leap second). One regular expression reads it all, as
 * validators check every date-time of every answer.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[t\s](\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(?:z|([+-])(\d{2})(?::?(\d{2}))?)$/i;

/** `date-time` (RFC 3339): a full date and a full time with its zone, separated by `T` or a space. */
export const dateTimeFormat: FormatDefinition<string> = {
  validate(text) {
    const m = DATE_TIME.exec(text);
    if (!m) return false;
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month < 1 || month > 12 || day < 1) return false;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days =
      month === 2
        ? leap
          ? 29
          : 28
        : month === 4 || month === 6 || month === 9 || month === 11
          ? 30
          : 31;
    if (day > days) return false;
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = Number(m[6]);
    const sign = m[7] === "-" ? -1 : 1;
    const zoneHour = Number(m[8] ?? 0);
    const zoneMinute = Number(m[9] ?? 0);
    if (zoneHour > 23 || zoneMinute > 59) return false;
    if (hour <= 23 && minute <= 59 && second < 60) return true;
    // A leap second: 23:59:60 in UTC, whatever the local time it is written in.
    const utcMinute = minute - sign * zoneMinute;
    const utcHour = hour - sign * zoneHour - (utcMinute < 0 ? 1 : 0);
    return (
      (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61
    );
  },
};

/** `uuid` (RFC 4122), with or without the `urn:uuid:` prefix. */
export const uuidFormat: RegExp = /^(?:urn:uuid:)?[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}$/i;

/** `int32`: an integer from -2³¹ to 2³¹ − 1. */
export const int32Format: FormatDefinition<number> = {
  type: "number",
  validate: (value) => Number.isInteger(value) && value >= -(2 ** 31) && value <= 2 ** 31 - 1,
};

/** `int64`: any integer (a JSON number holds integers exactly up to 2⁵³ only). */
export const int64Format: FormatDefinition<number> = {
  type: "number",
  validate: (value) => Number.isInteger(value),
};
