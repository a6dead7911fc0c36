import type { KeyObject } from "node:crypto";
import type { HttpHandler } from "msw";
import {
  createLicenceMockHandlers as createGeneratedHandlers,
  type LicenceMockOptions as GeneratedOptions,
} from "./generated/msw.gen.js";
import { signingHook } from "./sign-responses.js";

export { defaultLicenceHandlers } from "./generated/msw.gen.js";

/** Settings of the licensing server's MSW handlers: the generated ones plus a signing key. */
export interface LicenceMockOptions extends GeneratedOptions {
  /**
   * Signs every mocked answer with this private key, so a client checking signatures with the
   * matching public key accepts them. Without it answers are unsigned.
   */
  signingKey?: KeyObject | string;
}

/** MSW 2 handlers for the licensing server API: seeded answers, checked against the contract, optionally signed. */
export function createLicenceMockHandlers(options: LicenceMockOptions = {}): HttpHandler[] {
  const { signingKey, ...rest } = options;
  if (!signingKey) return createGeneratedHandlers(rest);
  const sign = signingHook(signingKey);
  const own = rest.router?.onResponse;
  return createGeneratedHandlers({
    ...rest,
    router: {
      ...rest.router,
      // The caller's hook runs first; the signature covers the answer as it finally is.
      onResponse: (response, request, op) => {
        own?.(response, request, op);
        sign(response, request);
      },
    },
  });
}
