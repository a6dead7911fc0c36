/**
 * The form API's error names survive a minifying bundler, as a web page ships them (see
 * `packages/dss/test/error-names.test.ts` for the runtime's errors).
 */
import { importMinified } from "@trustspec-private/test-support";
import { expect, it } from "vitest";

it("the form errors keep their names in a minified browser bundle", async () => {
  const { exports, text } = await importMinified(
    `import { BackpostRefusedError, DssFormInputError, DssFormTooLargeError } from "@trustspec/dss-frontend";
     export const names = [
       new DssFormInputError("Document", "m").name,
       new DssFormTooLargeError(2, 1).name,
       new BackpostRefusedError("method", "m").name,
     ];`,
    import.meta.dirname,
  );
  expect(text).not.toMatch(/class DssFormInputError\b/);
  expect(exports.names).toEqual([
    "DssFormInputError",
    "DssFormTooLargeError",
    "BackpostRefusedError",
  ]);
});
