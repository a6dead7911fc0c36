/**
 * @trustspec/suz: a typed client for the Честный ЗНАК СУЗ (OMS) integration registration and the
 * client-token sign-in through ИС МДЛП and ГИС МТ (True API), generated from specs/suz.
 *
 * The three hosts differ: the client's default base URL is the СУЗ sandbox stand; make one client
 * per host and pass the ИС МДЛП or True API stand as `baseUrl` for their operations (the stands are
 * listed in specs/suz/openapi.yaml). Send the token you get as the `clientToken` header of every
 * further СУЗ call, e.g. with `headerAuth("clientToken", token)`.
 */

export {
  AbortError,
  ApiError,
  ConfigurationError,
  cachedToken,
  headerAuth,
  type IssuedToken,
  TimeoutError,
  type TokenProvider,
  TransportError,
  TrustspecError,
  ValidationError,
} from "@trustspec/runtime/core";
export * from "./constants.js";
export * from "./generated/client.gen.js";
export * from "./generated/types.gen.js";
export * from "./marking/index.js";
export * from "./registration.js";
export * from "./signing/index.js";
export * from "./token/index.js";
