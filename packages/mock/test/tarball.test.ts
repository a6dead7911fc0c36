import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { PACKAGE_DOCS, packAndInstall, packageDocs } from "@trustspec-private/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The packed tarballs of @trustspec/mock and of every API package install into an empty project
 * with npm, and work there as a user gets them: `trustspec-mock` lists the APIs and runs one, and
 * the quick start of each package's README, type-checked under strict settings, runs against the
 * emulator its README starts. Needs the packages built.
 */
const run = promisify(execFile);
const here = import.meta.dirname;
const repo = join(here, "..", "..", "..");
const work = mkdtempSync(join(tmpdir(), "mock-tarball-"));
const PACKAGES = ["runtime", "cms", "licence", "dss", "dss-ums", "dss-notification", "suz", "mock"];

let installed: { app: string; packs: string; tarballs: string[] };
let bin: string;

beforeAll(async () => {
  installed = await packAndInstall(
    PACKAGES.map((p) => join(here, "..", "..", p)),
    work,
  );
  bin = join(installed.app, "node_modules", ".bin", "trustspec-mock");
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An emulator started as the README prints it, but on a free port; stopped with `stop`. */
async function startEmulator(args: string[], cwd: string) {
  const child = spawn(bin, args, { cwd });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    reader.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
  });
  reader.on("line", (line) => lines.push(line));
  const url = /^listening on (\S+)$/.exec(first)?.[1];
  if (url === undefined) throw new Error(`unexpected first line: ${first}`);
  const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return {
    url,
    lines,
    stop: () => {
      child.kill("SIGTERM");
      return exit;
    },
  };
}

/** The code blocks of a README's "Quick start" section, by language. */
function quickStart(pkg: string): { sh: string[]; ts: string[] } {
  const readme = readFileSync(join(here, "..", "..", pkg, "README.md"), "utf8");
  const section = /^## Quick start\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  const blocks = { sh: [] as string[], ts: [] as string[] };
  for (const m of section.matchAll(/^```(sh|ts)\n([\s\S]*?)^```$/gm)) {
    blocks[m[1] as "sh" | "ts"].push(m[2] ?? "");
  }
  return blocks;
}

describe("packed tarballs", () => {
  it("each carries README, LICENSE and CHANGELOG", () => {
    const { packs, tarballs } = installed;
    expect(tarballs).toHaveLength(PACKAGES.length);
    for (const t of tarballs) expect(packageDocs(join(packs, t)), t).toEqual(PACKAGE_DOCS);
  });

  it("`trustspec-mock` lists the APIs and runs one until SIGTERM", {
    timeout: 60_000,
  }, async () => {
    const { app } = installed;
    const listed = await run(bin, [], { cwd: app }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect("code" in listed && listed.code).toBe(2);
    for (const api of ["licence", "dss", "dss-ums", "dss-notification", "suz"]) {
      expect(listed.stdout).toMatch(new RegExp(`^\\s+${api}\\s`, "m"));
    }
    const emulator = await startEmulator(["licence", "--port", "0"], app);
    const answer = await fetch(`${emulator.url}/api`, {
      headers: { authorization: "Basic YWRtaW46YWRtaW4=" },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("licence-signature")).toBeTruthy();
    expect(await emulator.stop()).toBe(0);
  });

  // What each quick start prints (a line of it), beside exiting 0 with nothing on stderr.
  const printed: Record<string, RegExp> = {
    runtime: /^404 getLicence \{/m,
    cms: /^ECDSA true\nGOST true$/m,
    licence: /^\d+ \S/m,
    dss: /CN=.* \d+$/m,
    "dss-ums": /^\S+ anna$/m,
    "dss-notification": /^$/,
    suz: /\{/,
    mock: /^401$/m,
  };

  it("the README quick starts type-check under strict settings", { timeout: 120_000 }, async () => {
    const { app } = installed;
    const files = PACKAGES.map((pkg) => {
      const { ts } = quickStart(pkg);
      expect(ts, `${pkg} README quick start`).toHaveLength(1);
      const file = `quick-start-${pkg}.mts`;
      writeFileSync(join(app, file), ts[0] ?? "");
      return file;
    });
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "es2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [join(repo, "node_modules", "@types")],
        },
        files,
      }),
    );
    const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
    const checked = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app }).catch(
      (e: { stdout: string }) => e,
    );
    expect(checked.stdout).toBe("");
  });

  for (const pkg of PACKAGES) {
    it(`the ${pkg} README quick start runs against the emulator it starts`, {
      timeout: 60_000,
    }, async () => {
      const { app } = installed;
      const { sh, ts } = quickStart(pkg);
      const program = ts[0] ?? "";
      // The README's emulator command; the mock README's program starts its own.
      const command = sh
        .join("\n")
        .split("\n")
        .map((l) => l.replace(/\s+#.*$/, "").trim())
        .find((l) => /^npx trustspec-mock [a-z-]+ /.test(l) && pkg !== "mock");
      let source = program;
      let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
      if (command !== undefined) {
        const args = command.split(/\s+/).slice(2);
        const port = args[args.indexOf("--port") + 1];
        expect(source, `${pkg}: the program uses the printed port`).toContain(`127.0.0.1:${port}`);
        args[args.indexOf("--port") + 1] = "0";
        emulator = await startEmulator(args, app);
        source = source.replaceAll(`http://127.0.0.1:${port}`, emulator.url);
      }
      const file = join(app, `run-${pkg}.mts`);
      writeFileSync(file, source);
      const tsx = join(repo, "node_modules", "tsx", "dist", "cli.mjs");
      try {
        const { stdout, stderr } = await run(process.execPath, [tsx, file], { cwd: app });
        expect(stderr).toBe("");
        expect(stdout).toMatch(printed[pkg] ?? /^never$/);
        if (pkg === "dss-notification") {
          // The emulator prints the notification it received as one JSON line.
          await expect.poll(() => emulator?.lines.length).toBe(1);
          expect(JSON.parse(emulator?.lines[0] ?? "")).toMatchObject({
            operation: "UserAuthentication",
            outcome: "Success",
            result: { UserIdentifier: "anna", AdditionalData: { 1: "transaction id" } },
          });
        }
      } finally {
        if (emulator) expect(await emulator.stop()).toBe(0);
      }
    });
  }
});
