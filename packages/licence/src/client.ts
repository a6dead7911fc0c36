import type { AuthHook, ClientOptions, Middleware } from "@trustspec/runtime/core";
import { basicAuth } from "@trustspec/runtime/core";
import {
  createLicenceClient as createGeneratedClient,
  type LicenceClient,
} from "./generated/client.gen.js";
import { type LicenceSignatureOptions, licenceSignatureMiddleware } from "./verify-middleware.js";

/** Settings of a licensing server client: the runtime's client settings plus credentials and the signature check. */
export interface LicenceClientOptions extends ClientOptions {
  /** Basic-auth credentials of the licensing server (the server's default is admin/admin). */
  credentials?: { username: string; password: string };
  /** How response signatures are checked (default: required, with the vendor key). */
  signature?: LicenceSignatureOptions;
}

/**
 * A client for the licensing server's external API. Every answer's signature is checked
 * (policy `require` by default) before it is parsed; `credentials` adds Basic auth.
 */
export function createLicenceClient(options: LicenceClientOptions = {}): LicenceClient {
  const { signature, ...rest } = options;
  return createGeneratedClient(licenceSettings(rest, licenceSignatureMiddleware(signature)));
}

/**
 * The runtime's settings from a licence client's: `credentials` become a Basic-auth hook after
 * the caller's hooks, and the signature check, when there is one, runs before the caller's
 * middleware. Shared by the main entry's client and the lite one.
 */
export function licenceSettings<
  T extends {
    credentials?: { username: string; password: string };
    auth?: AuthHook | readonly AuthHook[];
    middleware?: readonly Middleware[];
  },
>(options: T, check: Middleware | undefined): Omit<T, "credentials"> {
  const { credentials, ...rest } = options;
  const auth: AuthHook[] = rest.auth === undefined ? [] : [rest.auth as AuthHook].flat();
  if (credentials) auth.push(basicAuth(credentials.username, credentials.password));
  const middleware = rest.middleware ?? [];
  return { ...rest, auth, middleware: check ? [check, ...middleware] : middleware };
}
