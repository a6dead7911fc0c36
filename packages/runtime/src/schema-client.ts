import type { Client, ClientOptions } from "./client.js";
import { checkBaseUrl } from "./transport.js";
import { validatorFor } from "./validation.js";
import type { SchemaBundle } from "./validation-types.js";

/**
 * A client of the API whose schemas are `bundle`, for operation descriptors written by hand that
 * carry schemas without compiled validators: the schemas are compiled with Ajv on first use.
 * Generated factories use `createOperationClient` instead, which carries no schema compiler.
 * Generated factories name the API in `TApi`; it is never inferred from where the client is passed.
 */
export function createClient<TApi extends string = string>(
  bundle: SchemaBundle,
  options: ClientOptions = {},
): Client<NoInfer<TApi>> {
  checkBaseUrl(options);
  return { options: { ...options }, validator: validatorFor(bundle) };
}
