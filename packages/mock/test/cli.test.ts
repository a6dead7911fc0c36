import { describe, expect, it } from "vitest";
import { main } from "../src/index.js";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  return {
    out,
    err,
    stop,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), stopped },
  };
}

describe("trustspec-mock", () => {
  it("lists the APIs when called without one, and exits 2", async () => {
    const t = io();
    expect(await main([], t.io)).toBe(2);
    expect(t.out.join("\n")).toMatch(/Usage: trustspec-mock <api>/);
    expect(t.out.join("\n")).toMatch(/licence\s+1C licensing server/);
  });

  it("refuses an unknown API with exit code 2", async () => {
    const t = io();
    expect(await main(["nope"], t.io)).toBe(2);
    expect(t.err.join("\n")).toContain('unknown API "nope"');
  });

  it("runs the licence emulator: first line `listening on <url>`, answers, stops on request", async () => {
    const t = io();
    const done = main(["licence", "--port", "0", "--empty"], t.io);
    while (t.out.length === 0) await new Promise((r) => setTimeout(r, 10));
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(t.out[0]!)?.[1];
    expect(url).toBeDefined();
    const res = await fetch(`${url}/api/licences`, {
      headers: { authorization: `Basic ${btoa("admin:admin")}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ Licences: [] });
    expect(res.headers.get("licence-signature")).toMatch(/^[A-Za-z0-9+/]+=*$/);
    t.stop();
    expect(await done).toBe(0);
    await expect(fetch(`${url}/api`)).rejects.toThrow();
  });

  it("passes --help through to the API's own usage", async () => {
    const t = io();
    expect(await main(["licence", "--help"], t.io)).toBe(0);
    expect(t.out.join("\n")).toContain("--public-key-out");
  });
});
