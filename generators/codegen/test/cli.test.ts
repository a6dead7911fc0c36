/** The `trustspec-codegen` command as installed (bin/ over dist/): `--version` and its usage. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "trustspec-codegen.mjs");

function codegen(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
}

describe("trustspec-codegen", () => {
  it("--version prints the version of its package.json and exits 0", () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      version: string;
    };
    const result = codegen("--version");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
    expect(result.stderr).toBe("");
  });

  it("--help names --version", () => {
    const result = codegen("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("trustspec-codegen --version");
  });

  it("--help names generate, which reads the codegen manifest", () => {
    const result = codegen("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("trustspec-codegen generate [--check]");
    expect(result.stdout).toContain("specs/codegen.yaml");
  });

  it("without a command or its arguments prints the usage and exits 2", () => {
    const result = codegen("openapi", "spec.yaml");
    expect(result.status).toBe(2);
    expect(result.stdout).toContain("Usage: trustspec-codegen generate");
  });
});
