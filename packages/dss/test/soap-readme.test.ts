/**
 * The README's "SOAP Sign Service" sample type-checks under strict settings against the package's
 * source (the `@trustspec/dss/soap` entry resolved through the package's own exports).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";

const here = import.meta.dirname;
const pkg = join(here, "..");
// Inside the package, so that `@trustspec/dss/soap` resolves to it.
const dir = mkdtempSync(join(pkg, ".readme-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("the SOAP Sign Service sample of the README type-checks", { timeout: 120_000 }, async () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const section = /^## SOAP Sign Service\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  const blocks = [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
  expect(blocks).toHaveLength(1);
  writeFileSync(join(dir, "sample.mts"), blocks[0]!);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: "../../../tsconfig.base.json",
      compilerOptions: { noEmit: true, strict: true, types: ["node"] },
      files: ["sample.mts"],
    }),
  );
  const tsc = join(pkg, "node_modules", ".bin", "tsc");
  const result = await promisify(execFile)(tsc, ["-p", dir]).then(
    () => "",
    (e: { stdout?: string }) => e.stdout ?? String(e),
  );
  expect(result).toBe("");
});
