import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDssUmsClient } from "../src/generated/ums/client.gen.js";
import type { UserRecordsRequest } from "../src/generated/ums/types.gen.js";
import {
  countUsers,
  escapeLike,
  iterateAuthnTokens,
  iterateUsers,
  tokenQuery,
  type UserQuery,
  userPages,
  userQuery,
} from "../src/index.js";
import { type Running, raw, startUms } from "./emulator-support.js";

describe("the query builder", () => {
  it("writes filters with numeric codes, as the guide's examples send them", () => {
    const q = userQuery().where("Login").equals("AnotherTestUser");
    expect(q.request(0, 1)).toEqual({
      StartPosition: 0,
      EndPosition: 1,
      Filters: [{ Column: 0, Operation: 0, Value: "AnotherTestUser" }],
    });
    expect(tokenQuery().where("Serial").like("%001%").request(0, 9)).toEqual({
      StartPosition: 0,
      EndPosition: 9,
      Filters: [{ Column: 1, Operation: 2, Value: "%001%" }],
    });
  });

  it("is immutable, and every condition maps to its operation", () => {
    const base = userQuery().where("PhoneNumber").isSet();
    const a = base.where("Email").isEmpty();
    const b = base.where("CreateDate").greaterThan(new Date("2016-12-29T18:47:39.970Z"));
    expect(base.filters).toHaveLength(1);
    expect(a.filters).toEqual([
      { Column: 1, Operation: 1, Value: null },
      { Column: 2, Operation: 0, Value: null },
    ]);
    expect(b.filters[1]).toEqual({ Column: 3, Operation: 3, Value: "2016-12-29T18:47:39.970" });
    expect(userQuery().where("GroupId").lessThan(2).filters[0]).toEqual({
      Column: 4,
      Operation: 4,
      Value: 2,
    });
    expect(userQuery().where("Login").notEquals("x").filters[0]?.Operation).toBe(1);
    expect(userQuery().where("Login").startsWith("my-dss").filters[0]?.Value).toBe("my-dss%");
  });

  it("escapes LIKE's special characters in contains and startsWith", () => {
    expect(escapeLike("50%_off[1]")).toBe("50[%][_]off[[]1]");
    expect(userQuery().where("Email").contains("a_b").filters[0]?.Value).toBe("%a[_]b%");
  });

  it("types each column's values; like only where the column is text", () => {
    // Checked by tsc (`pnpm typecheck`): these lines must not compile.
    const never = (q: UserQuery) => {
      // @ts-expect-error Like is for the text columns
      q.where("CreateDate").like("2016%");
      // @ts-expect-error GroupId is compared with a number
      q.where("GroupId").equals("Default");
      // @ts-expect-error no such column
      q.where("PhoneNumberComfirmed");
      // @ts-expect-error Id is a number
      tokenQuery().where("Id").equals("1");
    };
    expect(typeof never).toBe("function");
  });
});

/** A fake service answering searches from `logins`, with `cap` records at most per answer. */
function fakeService(logins: string[], options: { cap?: number; inclusive?: boolean } = {}) {
  const asked: [number, number][] = [];
  const client = createDssUmsClient({
    baseUrl: "https://dss.test/STS/ums",
    validation: "strict",
    fetch: async (_url, init) => {
      const body = JSON.parse(
        new TextDecoder().decode(init!.body as Uint8Array),
      ) as UserRecordsRequest;
      asked.push([body.StartPosition, body.EndPosition]);
      const end = body.EndPosition + (options.inclusive ? 1 : 0);
      const slice = logins.slice(
        body.StartPosition,
        Math.min(end, body.StartPosition + (options.cap ?? 1e9)),
      );
      return Response.json({
        UserInfos: slice.map((Login, i) => ({
          UserId: `00000000-0000-4000-8000-${String(body.StartPosition + i).padStart(12, "0")}`,
          Login,
          PhoneNumber: null,
          Email: null,
          PhoneConfirmed: false,
          EmailConfirmed: false,
          DisplayName: null,
          DistinguishName: null,
          AccountLocked: false,
          Group: "Default",
          CreationDate: "2016-12-20T17:41:55.823",
          LockoutDate: null,
          LastLoginDate: null,
        })),
        TotalCount: logins.length + 3,
        AffectedCount: logins.length,
      });
    },
  });
  return { client, asked };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("the page iterator", () => {
  const logins = Array.from({ length: 23 }, (_, i) => `u${i}`);

  it("asks for p to p + n and stops at AffectedCount, without an empty extra request", async () => {
    const s = fakeService(logins);
    const users = await all(iterateUsers(s.client, userQuery(), { pageSize: 10 }));
    expect(users.map((u) => u.Login)).toEqual(logins);
    expect(s.asked).toEqual([
      [0, 10],
      [10, 20],
      [20, 30],
    ]);
  });

  it("goes on from where a server that caps its pages stopped", async () => {
    const s = fakeService(logins, { cap: 4 });
    const users = await all(iterateUsers(s.client, userQuery(), { pageSize: 10 }));
    expect(users.map((u) => u.Login)).toEqual(logins);
    expect(s.asked[1]).toEqual([4, 14]);
  });

  it("with endInclusive asks for p to p + n - 1, for servers that count EndPosition in", async () => {
    const s = fakeService(logins, { inclusive: true });
    const users = await all(
      iterateUsers(s.client, userQuery(), { pageSize: 10, endInclusive: true }),
    );
    expect(users.map((u) => u.Login)).toEqual(logins);
    expect(s.asked[0]).toEqual([0, 9]);
  });

  it("honours start and limit, and cuts a page that is longer than asked for", async () => {
    const s = fakeService(logins, { inclusive: true });
    const users = await all(
      iterateUsers(s.client, userQuery(), { pageSize: 5, start: 3, limit: 7 }),
    );
    expect(users.map((u) => u.Login)).toEqual(logins.slice(3, 10));
  });

  it("gives the pages with their counts; refuses a page size that is no positive integer", async () => {
    const s = fakeService(logins);
    const pages = await all(userPages(s.client, userQuery(), { pageSize: 20 }));
    expect(pages.map((p) => [p.start, p.items.length, p.total, p.affected])).toEqual([
      [0, 20, 26, 23],
      [20, 3, 26, 23],
    ]);
    await expect(all(iterateUsers(s.client, userQuery(), { pageSize: 0 }))).rejects.toThrow(
      RangeError,
    );
  });
});

describe("filters in the emulator: every column and operation", () => {
  let r: Running;
  const days = ["2016-12-20", "2016-12-25", "2016-12-29", "2017-01-10"];
  let day = 0;
  beforeAll(async () => {
    r = await startUms({
      standalone: true,
      now: () => new Date(`${days[Math.min(day, days.length - 1)]}T12:00:00Z`),
    });
    const add = async (identifiers: Record<string, string>, group = "Default") => {
      const a = await raw(r, "POST", `/user/${group}`, identifiers);
      expect(a.status).toBe(200);
      return JSON.parse(a.text) as string;
    };
    await add({ Login: "RestTestUser", Email: "test@cp.ru", PhoneNumber: "+79150510528" });
    day = 1;
    await add({ Login: "AnotherTestUser" });
    await add({ Login: "SampleLogin", Email: "sample@cp.ru" }, "NewGroup");
    day = 2;
    await add({ Login: "my-dss-test-1488312836", PhoneNumber: "79998887766" });
    day = 3;
    const last = await add({ Login: "Sample_2" }, "NewGroup");
    await raw(r, "POST", `/user/${last}/oath`, {
      Serial: "AA000001",
      FirstOtp: "253311",
      SecondOtp: "568278",
    });
    const other = await add({ Login: "totp-holder" });
    await raw(r, "POST", `/user/${other}/oath`, {
      Serial: "TT000002",
      FirstOtp: "253311",
      SecondOtp: null,
    });
  });
  afterAll(() => r.close());

  const logins = async (q: UserQuery) => (await all(iterateUsers(r.ums, q))).map((u) => u.Login);

  it.each([
    [
      "Login Equal (any case)",
      userQuery().where("Login").equals("anothertestuser"),
      ["AnotherTestUser"],
    ],
    [
      "Login NotEqual",
      userQuery().where("Login").notEquals("RestTestUser").where("Login").like("%Test%"),
      ["AnotherTestUser", "my-dss-test-1488312836"],
    ],
    [
      "Login Like %Sample%",
      userQuery().where("Login").like("%Sample%"),
      ["SampleLogin", "Sample_2"],
    ],
    ["Login Like with _ and [..]", userQuery().where("Login").like("Sample[_]_"), ["Sample_2"]],
    [
      "Login Greater",
      userQuery().where("Login").greaterThan("s"),
      ["SampleLogin", "Sample_2", "totp-holder"],
    ],
    ["Login Less", userQuery().where("Login").lessThan("b"), ["AnotherTestUser"]],
    [
      "PhoneNumber set",
      userQuery().where("PhoneNumber").isSet(),
      ["RestTestUser", "my-dss-test-1488312836"],
    ],
    [
      "PhoneNumber Equal",
      userQuery().where("PhoneNumber").equals("79998887766"),
      ["my-dss-test-1488312836"],
    ],
    ["Email Like", userQuery().where("Email").like("%@cp.ru"), ["RestTestUser", "SampleLogin"]],
    [
      "Email empty",
      userQuery().where("Email").isEmpty().where("Login").like("%test%"),
      ["AnotherTestUser", "my-dss-test-1488312836"],
    ],
    [
      "CreateDate Greater",
      userQuery().where("CreateDate").greaterThan("2016-12-28T00:00:00"),
      ["my-dss-test-1488312836", "Sample_2", "totp-holder"],
    ],
    [
      "CreateDate Less",
      userQuery().where("CreateDate").lessThan(new Date("2016-12-21T00:00:00Z")),
      ["RestTestUser"],
    ],
    [
      "CreateDate Equal",
      userQuery().where("CreateDate").equals("2016-12-29T12:00:00.000"),
      ["my-dss-test-1488312836"],
    ],
    ["GroupId Equal 2", userQuery().where("GroupId").equals(2), ["SampleLogin", "Sample_2"]],
    [
      "GroupId NotEqual 2",
      userQuery().where("GroupId").notEquals(2).where("Login").like("%s%"),
      ["RestTestUser", "AnotherTestUser", "my-dss-test-1488312836"],
    ],
  ] as const)("%s", async (_name, q, expected) => {
    expect(await logins(q)).toEqual(expected);
  });

  it("counts: TotalCount is every user, AffectedCount those selected", async () => {
    expect(await countUsers(r.ums, userQuery().where("Login").like("%Sample%"))).toEqual({
      affected: 2,
      total: 6,
    });
  });

  it("token filters: Id, Serial, UserId, TokenType", async () => {
    const serials = async (q: ReturnType<typeof tokenQuery>) =>
      (await all(iterateAuthnTokens(r.ums, q))).map((t) => t.Serial);
    expect(await serials(tokenQuery())).toEqual(["AA000001", "TT000002"]);
    expect(await serials(tokenQuery().where("Serial").like("%001%"))).toEqual(["AA000001"]);
    expect(await serials(tokenQuery().where("TokenType").equals("TOTP"))).toEqual(["TT000002"]);
    expect(await serials(tokenQuery().where("Id").greaterThan(1))).toEqual(["TT000002"]);
    expect(await serials(tokenQuery().where("Id").lessThan(2))).toEqual(["AA000001"]);
    const holder = r.emulator.state.tokens.get(1)!.userId!;
    expect(await serials(tokenQuery().where("UserId").equals(holder))).toEqual(["AA000001"]);
    const [t] = await all(
      iterateAuthnTokens(r.ums, tokenQuery().where("Serial").equals("AA000001")),
    );
    expect(t).toMatchObject({ UserName: "Sample_2", TokenType: "HOTP" });
  });
});

describe("paging through 10 000 users in the emulator", () => {
  let r: Running;
  beforeAll(async () => {
    r = await startUms({ standalone: true });
    r.emulator.seedUsers(10_000);
  });
  afterAll(() => r.close());

  it("yields each user exactly once, in order, a page per request", async () => {
    const requests: string[] = [];
    const counting = {
      ...r.ums,
      options: { ...r.ums.options, middleware: [{ onRequest: () => void requests.push("x") }] },
    };
    const seen = new Set<string>();
    let previous = "";
    let count = 0;
    for await (const user of iterateUsers(counting, userQuery(), { pageSize: 250 })) {
      count++;
      seen.add(user.UserId);
      expect(user.Login > previous).toBe(true);
      previous = user.Login;
    }
    expect(count).toBe(10_000);
    expect(seen.size).toBe(10_000);
    expect([...r.emulator.state.users.keys()].every((id) => seen.has(id))).toBe(true);
    expect(requests).toHaveLength(40);
  });

  it("pages a filtered search too: the logins user09000 to user09999 are 1 000", async () => {
    let count = 0;
    for await (const _ of iterateUsers(r.ums, userQuery().where("Login").like("user09%"), {
      pageSize: 100,
    }))
      count++;
    expect(count).toBe(1000);
  });
});
