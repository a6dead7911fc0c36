/**
 * The name of the licence client's signature error survives a minifying bundler (see
 * `packages/dss/test/error-names.test.ts` for the runtime's and DSS's errors).
 */
import { importMinified } from "@trustspec-private/test-support";
import { expect, it } from "vitest";

it("LicenceSignatureError keeps its name in a minified browser bundle", async () => {
  const { exports, text } = await importMinified(
    `import { LicenceSignatureError } from "@trustspec/licence";
     export const name = new LicenceSignatureError("missing-signature").name;`,
    import.meta.dirname,
  );
  expect(text).not.toMatch(/class LicenceSignatureError\b/);
  expect(exports.name).toBe("LicenceSignatureError");
});
