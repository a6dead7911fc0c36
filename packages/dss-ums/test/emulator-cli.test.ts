import { listeningUrl, mockIo } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";
import { runDssUmsMock } from "../src/server.js";

/** `trustspec-mock dss-ums`: options, the first line, serving until stopped. */

const started = (t: ReturnType<typeof mockIo>) => listeningUrl(t);

const json = { "content-type": "application/json" };

describe("trustspec-mock dss-ums", () => {
  it("--help prints the options and exits 0", async () => {
    const t = mockIo();
    expect(await runDssUmsMock(["--help"], t.io)).toBe(0);
    const text = t.out.join("\n");
    for (const option of [
      "--operator",
      "--group",
      "--identifier-type",
      "--seed-users",
      "--standalone",
    ]) {
      expect(text).toContain(option);
    }
  });

  it.each([
    [["--port", "x"], /--port/],
    [["--identifier-type", "Passport"], /unknown type "Passport"/],
    [["--operator", "nopassword"], /login:password/],
    [["--token", "t"], /--standalone/],
    [["--standalone", "--user", "a:b"], /--standalone/],
    [["--seed-users", "many"], /--seed-users/],
    [["--oath-token", "AA:XOTP"], /--oath-token/],
    [["--bogus"], /Unknown option/],
  ])("refuses %j with exit code 2", async (argv, message) => {
    const t = mockIo();
    expect(await runDssUmsMock(argv, t.io)).toBe(2);
    expect(t.err.join("\n")).toMatch(message);
  });

  it("serves the UMS beside the DSS emulator: an operator signs in and registers a user, who signs in", async () => {
    const t = mockIo();
    const done = runDssUmsMock(
      ["--port", "0", "--operator", "anna:s3cret", "--group", "Sales"],
      t.io,
    );
    const url = await started(t);
    expect(t.out.slice(1).join("\n")).toMatch(/user management:\s+http:.*\/STS\/ums/);
    const form = (user: string, password: string) => ({
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=password&username=${user}&password=${encodeURIComponent(password)}&client_id=dss.sample`,
    });
    const token = (
      (await (await fetch(`${url}/STS/oauth/token`, form("anna", "s3cret"))).json()) as {
        access_token: string;
      }
    ).access_token;
    const auth = { ...json, authorization: `Bearer ${token}` };
    const id = (await (
      await fetch(`${url}/STS/ums/user`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ Login: "new" }),
      })
    ).json()) as string;
    expect(await (await fetch(`${url}/STS/ums/user/${id}/group`, { headers: auth })).json()).toBe(
      "Sales",
    );
    const password = (await (
      await fetch(`${url}/STS/ums/user/${id}/password`, { method: "POST", headers: auth })
    ).json()) as string;
    expect((await fetch(`${url}/STS/oauth/token`, form("new", password))).status).toBe(200);
    t.stop();
    expect(await done).toBe(0);
    await expect(fetch(`${url}/STS/ums/policy`)).rejects.toThrow();
  });

  it("--standalone --token: the UMS alone, with its fixed operator token and seeded users", async () => {
    const t = mockIo();
    const done = runDssUmsMock(
      ["--port", "0", "--standalone", "--token", "tok", "--seed-users", "25"],
      t.io,
    );
    const url = await started(t);
    const search = (token: string) =>
      fetch(`${url}/STS/ums/users`, {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${token}` },
        body: JSON.stringify({ StartPosition: 0, EndPosition: 5 }),
      });
    expect((await search("other")).status).toBe(401);
    const page = (await (await search("tok")).json()) as {
      UserInfos: unknown[];
      AffectedCount: number;
    };
    expect(page.UserInfos).toHaveLength(5);
    expect(page.AffectedCount).toBe(25);
    expect((await fetch(`${url}/STS/oauth/token`, { method: "POST" })).status).toBe(404);
    t.stop();
    expect(await done).toBe(0);
  });

  it("a port in use is one line on stderr and exit code 1", async () => {
    const first = mockIo();
    const done = runDssUmsMock(["--port", "0", "--standalone"], first.io);
    const url = await started(first);
    const t = mockIo();
    expect(await runDssUmsMock(["--port", new URL(url).port, "--standalone"], t.io)).toBe(1);
    expect(t.err).toHaveLength(1);
    first.stop();
    await done;
  });
});
