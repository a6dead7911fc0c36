import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { PACKAGE_DOCS, packAndInstall, packageDocs } from "@trustspec-private/test-support";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The packed tarball of @trustspec/mock, with those of the packages whose emulators it runs,
 * installs into an empty project with npm, and its `trustspec-mock` command works there: it
 * lists the APIs, and an emulator serves until it is stopped. Needs the packages built.
 */
const run = promisify(execFile);
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), "mock-tarball-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("packed tarball", () => {
  it("installs into an empty project; `trustspec-mock` lists the APIs and runs one", {
    timeout: 300_000,
  }, async () => {
    const packages = ["runtime", "licence", "dss", "dss-ums", "dss-notification", "suz", "mock"];
    const { app, packs, tarballs } = await packAndInstall(
      packages.map((p) => join(here, "..", "..", p)),
      work,
    );
    expect(tarballs).toHaveLength(packages.length);
    // Each tarball carries the package's README, LICENSE and CHANGELOG.
    for (const t of tarballs) expect(packageDocs(join(packs, t)), t).toEqual(PACKAGE_DOCS);
    const bin = join(app, "node_modules", ".bin", "trustspec-mock");
    const listed = await run(bin, [], { cwd: app }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect("code" in listed && listed.code).toBe(2);
    for (const api of ["licence", "dss", "dss-ums", "dss-notification", "suz"]) {
      expect(listed.stdout).toMatch(new RegExp(`^\\s+${api}\\s`, "m"));
    }

    const child = spawn(bin, ["licence", "--port", "0"], { cwd: app });
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
    });
    const url = /^listening on (\S+)$/.exec(first)?.[1];
    expect(url, first).toBeDefined();
    const answer = await fetch(`${url}/api`, {
      headers: { authorization: "Basic YWRtaW46YWRtaW4=" },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("licence-signature")).toBeTruthy();
    const exit = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });
});
