// Prints one closing line for the whole suite, summed over every workspace's vitest JSON report
// (turbo restores the reports of cached test tasks, so the sum is complete on a cache hit too).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const workspaces = ["packages", "generators", "examples"];
const { readdirSync } = await import("node:fs");
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of workspaces) {
  for (const name of readdirSync(group)) {
    const dir = join(group, name);
    if (!existsSync(join(dir, "vitest.config.ts"))) continue;
    const file = join(dir, ".vitest-report.json");
    if (!existsSync(file)) {
      missing.push(dir);
      continue;
    }
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
}
if (missing.length > 0) console.log(`no test report from: ${missing.join(", ")}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || missing.length > 0 ? 1 : 0;
