import {
  ColumnTypeEnum,
  type ColumnTypeEnumName,
  FilterOperationEnum,
  type FilterOperationEnumName,
  TokenColumnTypeEnum,
  type TokenColumnTypeEnumName,
  type TokenFilter,
  type UserFilter,
} from "../generated/ums/types.gen.js";
import { UmsEmulatorError } from "./errors.js";
import { parseDssDate, type StoredToken, type UmsState, type UmsUser } from "./state.js";

/** The member name of an enum value that travels as a code or as a name. */
function nameOf<N extends string>(
  members: Record<N, number>,
  value: number | string,
  what: string,
): N {
  const entry = Object.entries(members).find(([name, code]) => code === value || name === value);
  if (!entry)
    throw new UmsEmulatorError("InvalidFilter", `${what} ${JSON.stringify(value)} is not known.`);
  return entry[0] as N;
}

type Op = FilterOperationEnumName;
type Value = string | number | boolean | null;

/**
 * A SQL LIKE pattern as a regular expression: % any run of characters, _ one character,
 * [..] a set, compared without regard to case (the service's database compares so).
 */
export function likeToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "%") source += "[\\s\\S]*";
    else if (c === "_") source += "[\\s\\S]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) source += "\\[";
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        source += body.startsWith("^") ? `[^${body.slice(1)}]` : `[${body}]`;
        i = end;
      }
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "iu");
}

/** Compares two values of one column: text without regard to case, numbers and dates as numbers. */
function compare(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A predicate over a column value, for one operation and filter value. */
function predicate(
  column: string,
  op: Op,
  value: Value,
  kind: "text" | "number" | "date",
): (cell: string | number | null) => boolean {
  if (value === null) {
    if (op === "Equal") return (cell) => cell === null;
    if (op === "NotEqual") return (cell) => cell !== null;
    throw new UmsEmulatorError("InvalidFilter", `${column}: ${op} needs a value, not null.`);
  }
  let v: string | number;
  if (kind === "date") {
    const t = typeof value === "string" ? parseDssDate(value) : Number.NaN;
    if (Number.isNaN(t)) {
      throw new UmsEmulatorError(
        "InvalidFilter",
        `${column} is compared with a date-time, e.g. "2016-12-29T18:47:39.97".`,
      );
    }
    v = t;
  } else if (kind === "number") {
    const n =
      typeof value === "number"
        ? value
        : typeof value === "string" && /^-?\d+$/.test(value)
          ? Number(value)
          : Number.NaN;
    if (Number.isNaN(n))
      throw new UmsEmulatorError("InvalidFilter", `${column} is compared with a number.`);
    v = n;
  } else {
    if (typeof value !== "string") {
      throw new UmsEmulatorError("InvalidFilter", `${column} is compared with a string.`);
    }
    v = value;
  }
  switch (op) {
    case "Equal":
      return (cell) => cell !== null && compare(cell, v) === 0;
    case "NotEqual":
      return (cell) => cell === null || compare(cell, v) !== 0;
    case "Greater":
      return (cell) => cell !== null && compare(cell, v) > 0;
    case "Less":
      return (cell) => cell !== null && compare(cell, v) < 0;
    case "Like": {
      if (kind !== "text")
        throw new UmsEmulatorError("InvalidFilter", `${column} cannot be compared with Like.`);
      const re = likeToRegExp(String(v));
      return (cell) => cell !== null && re.test(String(cell));
    }
  }
}

/** The page bounds of a search: 0-based, EndPosition excluded (see UserRecordsRequest). */
export function pageBounds(start: number, end: number): [number, number] {
  if (start < 0 || end < start) {
    throw new UmsEmulatorError(
      "InvalidRange",
      "StartPosition must be 0 or more and EndPosition not less than StartPosition.",
    );
  }
  return [start, end];
}

/** The users every filter selects, in the order they were made. */
export function userMatcher(
  state: UmsState,
  filters: readonly UserFilter[],
): (u: UmsUser) => boolean {
  const tests = filters.map((f) => {
    const column = nameOf<ColumnTypeEnumName>(ColumnTypeEnum, f.Column, "Column");
    const op = nameOf<Op>(FilterOperationEnum, f.Operation, "Operation");
    switch (column) {
      case "Login": {
        const p = predicate(column, op, f.Value, "text");
        return (u: UmsUser) => p(u.login);
      }
      case "PhoneNumber": {
        const p = predicate(column, op, f.Value, "text");
        return (u: UmsUser) => p(u.phone);
      }
      case "Email": {
        const p = predicate(column, op, f.Value, "text");
        return (u: UmsUser) => p(u.email);
      }
      case "CreateDate": {
        const p = predicate(column, op, f.Value, "date");
        return (u: UmsUser) => p(u.created.getTime());
      }
      case "GroupId": {
        // The group's id (1 for the policy's first group), or, for convenience, its name.
        const value =
          typeof f.Value === "string" && !/^\d+$/.test(f.Value) ? state.groupId(f.Value) : f.Value;
        const p = predicate(column, op, value, "number");
        return (u: UmsUser) => p(state.groupId(u.group));
      }
      default:
        throw new UmsEmulatorError("InvalidFilter", `Column ${String(column)} is not known.`);
    }
  });
  return (u) => tests.every((t) => t(u));
}

/** The tokens every filter selects, by id. */
export function tokenMatcher(filters: readonly TokenFilter[]): (t: StoredToken) => boolean {
  const tests = filters.map((f) => {
    const column = nameOf<TokenColumnTypeEnumName>(TokenColumnTypeEnum, f.Column, "Column");
    const op = nameOf<Op>(FilterOperationEnum, f.Operation, "Operation");
    switch (column) {
      case "Id": {
        const p = predicate(column, op, f.Value, "number");
        return (t: StoredToken) => p(t.id);
      }
      case "Serial": {
        const p = predicate(column, op, f.Value, "text");
        return (t: StoredToken) => p(t.serial);
      }
      case "UserId": {
        const p = predicate(column, op, f.Value, "text");
        return (t: StoredToken) => p(t.userId === undefined ? null : t.userId);
      }
      case "TokenType": {
        const p = predicate(column, op, f.Value, "text");
        return (t: StoredToken) => p(t.type);
      }
      default:
        throw new UmsEmulatorError("InvalidFilter", `Column ${String(column)} is not known.`);
    }
  });
  return (t) => tests.every((test) => test(t));
}

/** One page of the items `matches` selects, with the count of all and of the selected. */
export function page<T>(
  items: Iterable<T>,
  matches: (item: T) => boolean,
  start: number,
  end: number,
): { items: T[]; total: number; affected: number } {
  const out: T[] = [];
  let total = 0;
  let affected = 0;
  for (const item of items) {
    total++;
    if (!matches(item)) continue;
    if (affected >= start && affected < end) out.push(item);
    affected++;
  }
  return { items: out, total, affected };
}
