import type { CallOptions } from "@trustspec/runtime/core";
import { type DssUmsClient, searchAuthnTokens, searchUsers } from "./generated/ums/client.gen.js";
import {
  ColumnTypeEnum,
  type ColumnTypeEnumName,
  type DssTokenInfo,
  type DssUserInfo,
  FilterOperationEnum,
  type FilterOperationEnumName,
  TokenColumnTypeEnum,
  type TokenColumnTypeEnumName,
  type TokenFilter,
  type TokenRecordsRequest,
  type UserFilter,
  type UserRecordsRequest,
} from "./generated/ums/types.gen.js";

/** The value a user column is compared with. */
export type UserColumnValue<C extends ColumnTypeEnumName> = C extends "CreateDate"
  ? Date | string
  : C extends "GroupId"
    ? number
    : string;

/** The value a token column is compared with. */
export type TokenColumnValue<C extends TokenColumnTypeEnumName> = C extends "Id" ? number : string;

/** Columns compared as text, which take `like`. */
type TextUserColumn = "Login" | "PhoneNumber" | "Email";
type TextTokenColumn = "Serial" | "UserId" | "TokenType";

/** The comparisons of one column; `like` only where the column is text. */
export type Condition<Q, V, Text extends boolean> = {
  /** Operation Equal. */
  equals(value: V): Q;
  /** Operation NotEqual. */
  notEquals(value: V): Q;
  /** Operation Greater (text compares in the service's order). */
  greaterThan(value: V): Q;
  /** Operation Less. */
  lessThan(value: V): Q;
  /** Equal null: the column is empty. */
  isEmpty(): Q;
  /** NotEqual null: the column has a value. */
  isSet(): Q;
} & (Text extends true
  ? {
      /** Operation Like with an SQL pattern: % any run of characters, _ one character. */
      like(pattern: string): Q;
      /** Like `%text%`, the characters % _ [ of `text` escaped. */
      contains(text: string): Q;
      /** Like `text%`. */
      startsWith(text: string): Q;
    }
  : unknown);

/** The characters that mean something in a LIKE pattern, bracketed so they stand for themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[%_[]/g, (c) => `[${c}]`);
}

function toWire(value: unknown): string | number | boolean | null {
  if (value instanceof Date) return value.toISOString().replace(/Z$/, "");
  return value as string | number | boolean | null;
}

function condition<Q>(
  add: (op: FilterOperationEnumName, value: unknown) => Q,
): Condition<Q, unknown, true> {
  return {
    equals: (v) => add("Equal", v),
    notEquals: (v) => add("NotEqual", v),
    greaterThan: (v) => add("Greater", v),
    lessThan: (v) => add("Less", v),
    isEmpty: () => add("Equal", null),
    isSet: () => add("NotEqual", null),
    like: (p) => add("Like", p),
    contains: (t) => add("Like", `%${escapeLike(t)}%`),
    startsWith: (t) => add("Like", `${escapeLike(t)}%`),
  };
}

/**
 * A user search (POST /users) as an immutable builder: each `where(column).…` adds a filter, all
 * of which must match (guide, §4.2.12-4.2.13). Filters travel with numeric codes, as the guide's
 * examples send them.
 *
 * ```ts
 * const q = userQuery().where("Login").contains("Sample").where("PhoneNumber").isSet();
 * for await (const user of iterateUsers(ums, q)) console.log(user.Login);
 * ```
 */
export class UserQuery {
  readonly filters: readonly UserFilter[];

  constructor(filters: readonly UserFilter[] = []) {
    this.filters = filters;
  }

  /** A condition on a column of the user profile (ColumnTypeEnum). */
  where<C extends ColumnTypeEnumName>(
    column: C,
  ): Condition<UserQuery, UserColumnValue<C>, C extends TextUserColumn ? true : false> {
    return condition(
      (op, value) =>
        new UserQuery([
          ...this.filters,
          {
            Column: ColumnTypeEnum[column],
            Operation: FilterOperationEnum[op],
            Value: toWire(value),
          },
        ]),
    ) as never;
  }

  /** The request for positions `start` (included) to `end` (excluded). */
  request(start: number, end: number): UserRecordsRequest {
    return { StartPosition: start, EndPosition: end, Filters: [...this.filters] };
  }
}

/** A token search (POST /authntokens) as an immutable builder, like {@link UserQuery}. */
export class TokenQuery {
  readonly filters: readonly TokenFilter[];

  constructor(filters: readonly TokenFilter[] = []) {
    this.filters = filters;
  }

  /** A condition on a column of the token (TokenColumnTypeEnum). */
  where<C extends TokenColumnTypeEnumName>(
    column: C,
  ): Condition<TokenQuery, TokenColumnValue<C>, C extends TextTokenColumn ? true : false> {
    return condition(
      (op, value) =>
        new TokenQuery([
          ...this.filters,
          {
            Column: TokenColumnTypeEnum[column],
            Operation: FilterOperationEnum[op],
            Value: toWire(value),
          },
        ]),
    ) as never;
  }

  /** The request for positions `start` (included) to `end` (excluded). */
  request(start: number, end: number): TokenRecordsRequest {
    return { StartPosition: start, EndPosition: end, Filters: [...this.filters] };
  }
}

/** A user search with no filters yet. */
export function userQuery(): UserQuery {
  return new UserQuery();
}

/** A token search with no filters yet. */
export function tokenQuery(): TokenQuery {
  return new TokenQuery();
}

/** How the pages of a search are asked for. */
export interface PagingOptions extends CallOptions {
  /** Records per request (default 100). */
  pageSize?: number;
  /** The first position (default 0). */
  start?: number;
  /** Stop after this many records (default: all). */
  limit?: number;
  /**
   * Whether the server counts EndPosition in (the guide does not say; default false: a page of n
   * records from p asks for p to p + n). With true the client asks for p to p + n - 1.
   */
  endInclusive?: boolean;
}

/** One page of a search, with the counts the service gives on every page. */
export interface Page<T> {
  /** The position of the first record of the page. */
  start: number;
  items: T[];
  /** TotalCount: every record of the kind, filtered or not. */
  total: number;
  /** AffectedCount: the records the filters select. */
  affected: number;
}

type Fetch<T> = (start: number, end: number, call: CallOptions) => Promise<Omit<Page<T>, "start">>;

async function* pages<T>(fetchPage: Fetch<T>, options: PagingOptions): AsyncGenerator<Page<T>> {
  const size = options.pageSize ?? 100;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError("pageSize must be a positive integer");
  const call: CallOptions = {};
  if (options.signal) call.signal = options.signal;
  if (options.timeoutMs !== undefined) call.timeoutMs = options.timeoutMs;
  if (options.headers) call.headers = options.headers;
  let position = options.start ?? 0;
  let left = options.limit ?? Number.POSITIVE_INFINITY;
  while (left > 0) {
    const want = Math.min(size, left);
    const end = position + want - (options.endInclusive ? 1 : 0);
    const got = await fetchPage(position, end, call);
    const items = got.items.length > want ? got.items.slice(0, want) : got.items;
    if (items.length === 0) return;
    yield { start: position, items, total: got.total, affected: got.affected };
    position += items.length;
    left -= items.length;
    // AffectedCount is the number of records the filters select (guide, Table 70): past it, done.
    if (position >= got.affected) return;
  }
}

/** The pages of a user search, one request each, fetched as they are consumed. */
export function userPages(
  ums: DssUmsClient,
  query: UserQuery = userQuery(),
  options: PagingOptions = {},
): AsyncGenerator<Page<DssUserInfo>> {
  return pages(async (start, end, call) => {
    const { data } = await searchUsers(ums, { body: query.request(start, end) }, call);
    return { items: data.UserInfos, total: data.TotalCount, affected: data.AffectedCount };
  }, options);
}

/**
 * Every user a search selects, one at a time, a page per request as the loop asks for more: only
 * one page is held in memory however many users there are.
 */
export async function* iterateUsers(
  ums: DssUmsClient,
  query: UserQuery = userQuery(),
  options: PagingOptions = {},
): AsyncGenerator<DssUserInfo> {
  for await (const p of userPages(ums, query, options)) yield* p.items;
}

/** The pages of a token search. */
export function tokenPages(
  ums: DssUmsClient,
  query: TokenQuery = tokenQuery(),
  options: PagingOptions = {},
): AsyncGenerator<Page<DssTokenInfo>> {
  return pages(async (start, end, call) => {
    const { data } = await searchAuthnTokens(ums, { body: query.request(start, end) }, call);
    return { items: data.TokenInfos, total: data.TotalCount, affected: data.AffectedCount };
  }, options);
}

/** Every token a search selects, one at a time. */
export async function* iterateAuthnTokens(
  ums: DssUmsClient,
  query: TokenQuery = tokenQuery(),
  options: PagingOptions = {},
): AsyncGenerator<DssTokenInfo> {
  for await (const p of tokenPages(ums, query, options)) yield* p.items;
}

/** How many users a search selects (its AffectedCount), with one request for an empty page. */
export async function countUsers(
  ums: DssUmsClient,
  query: UserQuery = userQuery(),
  call: CallOptions = {},
): Promise<{ affected: number; total: number }> {
  const { data } = await searchUsers(ums, { body: query.request(0, 0) }, call);
  return { affected: data.AffectedCount, total: data.TotalCount };
}
