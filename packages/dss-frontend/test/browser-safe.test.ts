import { join } from "node:path";
import { browserBundleOf, browserEntryTests } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";

// The form builders, the session tokens and the Fetch receiver load in a browser; the node:http
// listener does not.
const packageDir = join(import.meta.dirname, "..");

browserEntryTests("@trustspec/dss-frontend", packageDir, ["@trustspec/dss-frontend/node"]);

describe("a page that builds forms", () => {
  const forms = [
    "signFileForm",
    "signFilesForm",
    "certificateRequestForm",
    "installCertificateForm",
    "encryptFileForm",
    "decryptFileForm",
    "renderAutoSubmitForm",
  ];

  it("carries the compiled form checks, no schema compiler and no eval", {
    timeout: 120_000,
  }, async () => {
    const page = await browserBundleOf("@trustspec/dss-frontend", forms, packageDir);
    expect(page.files.filter((f) => /node_modules\/.*\bajv\//.test(f))).toEqual([]);
    expect(page.files.filter((f) => f.endsWith("schemas.gen.ts"))).toEqual([]);
    expect(page.files.some((f) => f.endsWith("validators.gen.ts"))).toBe(true);
    // Code compiled in the page (Ajv's way) is what a strict Content-Security-Policy refuses.
    expect(page.text).not.toMatch(/new Function\(|\beval\(/);
  });

  it("a receiver of backposts carries the compiled post checks and no schema compiler", {
    timeout: 120_000,
  }, async () => {
    const page = await browserBundleOf(
      "@trustspec/dss-frontend",
      ["createBackpostHandler", "parseBackpost"],
      packageDir,
    );
    expect(page.files.filter((f) => /node_modules\/.*\bajv\//.test(f))).toEqual([]);
    expect(page.files.filter((f) => f.endsWith("schemas.gen.ts"))).toEqual([]);
    expect(page.files.some((f) => f.endsWith("validators.gen.ts"))).toBe(true);
    expect(page.text).not.toMatch(/new Function\(|\beval\(/);
  });

  it("the same check sees a schema compiler where one is bundled", {
    timeout: 120_000,
  }, async () => {
    const page = await browserBundleOf("@trustspec/runtime", ["validatorFor"], packageDir);
    expect(page.files.some((f) => /node_modules\/.*\bajv\//.test(f))).toBe(true);
    expect(page.text).toMatch(/new Function\(/);
  });
});
