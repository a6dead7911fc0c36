/**
 * The СУЗ client's error names survive a minifying bundler (see
 * `packages/dss/test/error-names.test.ts` for the runtime's errors).
 */
import { importMinified } from "@trustspec-private/test-support";
import { expect, it } from "vitest";

it("the signing and registration errors keep their names in a minified browser bundle", async () => {
  const { exports, text } = await importMinified(
    `import { RegistrationRejectedError, SigningError } from "@trustspec/suz";
     export const names = [new SigningError("bad-key", "m").name, new RegistrationRejectedError(undefined).name];`,
    import.meta.dirname,
  );
  expect(text).not.toMatch(/class SigningError\b/);
  expect(exports.names).toEqual(["SigningError", "RegistrationRejectedError"]);
});
