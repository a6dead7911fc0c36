import { fullFormats } from "ajv-formats/dist/formats.js";
import { describe, expect, it } from "vitest";
import {
  compiledIssues,
  dateTimeFormat,
  int32Format,
  int64Format,
  ucs2length,
  uuidFormat,
} from "../src/index.js";

const dateTimes = [
  "2024-02-29T12:00:00Z",
  "2023-02-29T12:00:00Z",
  "1900-02-29T00:00:00Z",
  "2000-02-29T00:00:00+03:00",
  "2024-04-31T00:00:00Z",
  "2024-12-31t23:59:59.123z",
  "2024-12-31 23:59:59+0300",
  "2024-12-31T23:59:59+03",
  "2024-12-31T23:59:59",
  "2024-12-31T24:00:00Z",
  "2024-12-31T23:60:00Z",
  "2016-12-31T23:59:60Z",
  "2016-12-31T23:59:60.5Z",
  "2017-01-01T02:59:60+03:00",
  "2016-12-31T22:59:60Z",
  "2016-12-31T23:59:61Z",
  "2024-13-01T00:00:00Z",
  "2024-00-10T00:00:00Z",
  "2024-01-00T00:00:00Z",
  "2024-01-01T00:00:00+24:00",
  "2024-01-01T00:00:00+23:60",
  "2024-01-01",
  "2024-01-01TT00:00:00Z",
  "2024-01-01T00:00:00Z extra",
  "",
  "24-01-01T00:00:00Z",
  "2024-01-01T0:00:00Z",
  "2024-01-01T00:00:00.Z",
];

const uuids = [
  "123e4567-e89b-12d3-a456-426614174000",
  "123E4567-E89B-12D3-A456-426614174000",
  "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
  "123e4567e89b12d3a456426614174000",
  "123e4567-e89b-12d3-a456-42661417400",
  "123e4567-e89b-12d3-a456-426614174000 ",
  "g23e4567-e89b-12d3-a456-426614174000",
  "",
];

const numbers = [
  0,
  1,
  -1,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  1.5,
  2 ** 53,
  Number.NaN,
];

describe("string formats", () => {
  const ajv = fullFormats as unknown as Record<
    string,
    { validate: (v: unknown) => boolean } | RegExp
  >;

  it("date-time decides as ajv-formats' full mode does", () => {
    const theirs = ajv["date-time"] as { validate: (v: string) => boolean };
    for (const s of dateTimes)
      expect([s, dateTimeFormat.validate(s)]).toEqual([s, theirs.validate(s)]);
    expect(dateTimes.filter((s) => dateTimeFormat.validate(s)).length).toBeGreaterThan(5);
  });

  it("uuid decides as ajv-formats' full mode does", () => {
    const theirs = ajv.uuid as RegExp;
    for (const s of uuids) expect([s, uuidFormat.test(s)]).toEqual([s, theirs.test(s)]);
  });

  it("int32 and int64 decide as ajv-formats' full mode does", () => {
    const i32 = ajv.int32 as { validate: (v: number) => boolean };
    const i64 = ajv.int64 as { validate: (v: number) => boolean };
    for (const n of numbers) {
      expect([n, int32Format.validate(n)]).toEqual([n, i32.validate(n)]);
      expect([n, int64Format.validate(n)]).toEqual([n, i64.validate(n)]);
    }
  });
});

describe("compiled validator helpers", () => {
  it("ucs2length counts a surrogate pair as one character", () => {
    expect(ucs2length("abc")).toBe(3);
    expect(ucs2length("a😀b")).toBe(3);
    expect(ucs2length("\ud83d")).toBe(1);
    expect(ucs2length("")).toBe(0);
  });

  it("compiledIssues reports a failed run's errors as issues, none when the value conforms", () => {
    const fn = Object.assign(
      (v: unknown) => {
        const ok = v === "x";
        fn.errors = ok
          ? null
          : [
              {
                instancePath: "/a",
                keyword: "enum",
                params: { allowedValues: ["x"] },
                message: "m",
              },
            ];
        return ok;
      },
      { errors: null as unknown },
    );
    expect(compiledIssues(fn as never, "x")).toEqual([]);
    expect(compiledIssues(fn as never, "y")).toEqual([
      { path: "/a", message: 'must be one of "x"' },
    ]);
  });
});
