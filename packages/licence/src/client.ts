import type { ClientOptions } from "@trustspec/runtime";
import { basicAuth } from "@trustspec/runtime";
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
  const { credentials, signature, ...rest } = options;
  const auth = [...toArray(rest.auth)];
  if (credentials) auth.push(basicAuth(credentials.username, credentials.password));
  return createGeneratedClient({
    ...rest,
    auth,
    middleware: [licenceSignatureMiddleware(signature), ...(rest.middleware ?? [])],
  });
}

function toArray<T>(v: T | readonly T[] | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];
}
