/**
 * Error names survive a minifying bundler: `error.name` is the class's documented name in a
 * minified browser bundle too (a bundler renames classes, so a name read from the class would
 * come out as one or two letters). Covers the runtime's, the CMS helpers' and this package's
 * error classes.
 */
import { importMinified } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";

const source = `
import {
  AbortError, ApiError, ConfigurationError, TimeoutError, TransportError, TrustspecError,
  ValidationError,
} from "@trustspec/runtime";
import { SoapFaultError, XmlError } from "@trustspec/runtime/soap";
import { CmsDecryptError, CmsError, CmsFormatError, CmsInputError } from "@trustspec/cms";
import {
  AuthorizationResponseError, OAuthRequestError,
} from "@trustspec/dss";
const made = [
  new TrustspecError("x", "m"),
  new ApiError({ status: 500, operationId: "op", body: "", headers: new Headers() }),
  new ValidationError({ operationId: "op", direction: "request", issues: [] }),
  new TransportError("op", new Error("e")),
  new ConfigurationError("baseUrl", "m"),
  new TimeoutError("op", 1),
  new AbortError("op"),
  new CmsError("cms_input", "m"),
  new CmsFormatError("m"),
  new CmsInputError("m"),
  new CmsDecryptError("not-a-recipient", "m"),
  new SoapFaultError({ operationId: "op", status: 500, faultCode: "Server", reason: "r" }),
  new XmlError("malformed", "m"),
  new OAuthRequestError({ error: "invalid_grant", operationId: "token" }),
  new AuthorizationResponseError("missing_code", "m"),
];
export const names = made.map((e) => e.name);
`;

describe("error names in a minified browser bundle", () => {
  it("are the classes' own names, although the minifier renamed the classes", async () => {
    const { exports, text } = await importMinified(source, import.meta.dirname);
    // The classes were renamed: without names set as literals, the names below would be letters.
    expect(text).not.toMatch(/class ApiError\b/);
    expect(exports.names).toEqual([
      "TrustspecError",
      "ApiError",
      "ValidationError",
      "TransportError",
      "ConfigurationError",
      "TimeoutError",
      "AbortError",
      "CmsError",
      "CmsFormatError",
      "CmsInputError",
      "CmsDecryptError",
      "SoapFaultError",
      "XmlError",
      "OAuthRequestError",
      "AuthorizationResponseError",
    ]);
  });
});
