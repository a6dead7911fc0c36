import { join } from "node:path";
import { browserBundleOf } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";

// What a page that sends one notification bundles: the client checks with the validators compiled
// when the code was generated, so neither a schema compiler nor the schema bundle comes along.
const packageDir = join(import.meta.dirname, "..");
const ajv = (files: string[]) => files.filter((f) => /node_modules\/.*\bajv(-formats)?\//.test(f));

describe("a page that sends notifications", () => {
  it("carries the compiled validators, no schema compiler, no schemas and no eval", {
    timeout: 120_000,
  }, async () => {
    const page = await browserBundleOf(
      "@trustspec/dss-notification",
      ["createDssNotificationClient", "notify"],
      packageDir,
    );
    expect(ajv(page.files)).toEqual([]);
    expect(page.files.filter((f) => f.endsWith("schemas.gen.ts"))).toEqual([]);
    expect(page.files.filter((f) => /runtime\/src\/validation\.ts$/.test(f))).toEqual([]);
    expect(page.files.some((f) => f.endsWith("validators.gen.ts"))).toBe(true);
    expect(page.files.some((f) => /runtime\/src\/soap\/client\.ts$/.test(f))).toBe(true);
    expect(page.text).not.toMatch(/new Function\(|\beval\(/);
  });
});
