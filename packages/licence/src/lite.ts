/**
 * @trustspec/licence/lite: the licensing server's operations without validation, for bundles that
 * carry only the operations they call (a browser page calling `listLicences`). The operation
 * functions have the names and types of the main entry's; their descriptors hold no schemas and
 * no compiled validators. Requests and answers are not checked against the contract: import the
 * operations from `@trustspec/licence` for that. The answers' signature check is a choice the
 * client must state: `signature: licenceSignatureCheck()` or `signature: "off"`.
 */

import type { LiteClientOptions, Middleware } from "@trustspec/runtime/core";
import { ConfigurationError } from "@trustspec/runtime/core";
import { licenceSettings } from "./client.js";
import {
  createLicenceClient as createGeneratedClient,
  type LicenceLiteClient,
} from "./generated/client-lite.gen.js";
import { type LicenceSignatureOptions, licenceSignatureMiddleware } from "./verify-middleware.js";

export {
  AbortError,
  ApiError,
  ConfigurationError,
  TimeoutError,
  TransportError,
  TrustspecError,
} from "@trustspec/runtime/core";
export * from "./generated/client-lite.gen.js";
export * from "./generated/types.gen.js";
export {
  type JwkExportableKey,
  type LicencePublicKey,
  LicenceSignatureError,
  type LicenceSignatureFailure,
  type LicenceSignaturePolicy,
} from "./signature.js";
export type { LicenceSignatureOptions } from "./verify-middleware.js";

/**
 * The check of the answers' signatures for a lite client, made by {@link licenceSignatureCheck}.
 * The check's code (RSA over Web Crypto, or node:crypto under Node) comes into a bundle only
 * with it.
 */
export class LicenceSignatureCheck {
  /** The middleware that sends a fresh `Licence-QueryID` and checks `Licence-Signature`. */
  declare readonly middleware: Middleware;
  /** Use {@link licenceSignatureCheck}. */
  constructor(middleware: Middleware) {
    this.middleware = middleware;
  }
}

/**
 * Checks every answer's signature (policy `require` by default, with the vendor key) before it
 * is parsed, as the main entry's client does: pass it as the lite client's `signature`.
 */
export function licenceSignatureCheck(
  options: LicenceSignatureOptions = {},
): LicenceSignatureCheck {
  return new LicenceSignatureCheck(licenceSignatureMiddleware(options));
}

/** Settings of a lite licensing server client: the lite client's settings plus credentials and the signature choice. */
export interface LicenceLiteClientOptions extends LiteClientOptions {
  /** Basic-auth credentials of the licensing server (the server's default is admin/admin). */
  credentials?: { username: string; password: string };
  /**
   * Required: `licenceSignatureCheck()` checks every answer's signature, `"off"` checks none.
   * There is no default, so that leaving the check out is never an accident.
   */
  signature: LicenceSignatureCheck | "off";
}

/**
 * A lite client for the licensing server's external API: no validation, and the signature
 * check as `signature` says (required: a {@link LicenceSignatureCheck} or `"off"`);
 * `credentials` adds Basic auth. Throws a {@link ConfigurationError} when `signature` is missing
 * or is neither, and for a `validation` policy other than `"off"`.
 */
export function createLicenceClient(options: LicenceLiteClientOptions): LicenceLiteClient {
  const { signature, ...rest } = options ?? ({} as Partial<LicenceLiteClientOptions>);
  if (signature !== "off" && !(signature instanceof LicenceSignatureCheck)) {
    throw new ConfigurationError(
      "signature",
      'signature must be licenceSignatureCheck() or "off" for a lite licence client',
    );
  }
  return createGeneratedClient(
    licenceSettings(rest, signature === "off" ? undefined : signature.middleware),
  );
}
