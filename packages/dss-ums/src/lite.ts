/**
 * @trustspec/dss-ums/lite: the DSS user management service's operations without validation, for
 * bundles that carry only the operations they call. The operation functions have the names and
 * types of the main entry's; their descriptors hold no schemas and no compiled validators.
 * Requests and answers are not checked against the contract: import the operations from
 * `@trustspec/dss-ums` for that. The operator scenarios and the paging helpers, which call
 * several operations, are the main entry's.
 */

export {
  AbortError,
  ApiError,
  bearerAuth,
  ConfigurationError,
  cachedToken,
  type IssuedToken,
  TimeoutError,
  type TokenProvider,
  TransportError,
  TrustspecError,
} from "@trustspec/runtime/core";
export * from "./generated/ums/client-lite.gen.js";
export * from "./generated/ums/types.gen.js";
export { UMS_PATH, type UmsErrorInfo, umsErrorOf } from "./operator.js";
export {
  type Condition,
  escapeLike,
  type TokenColumnValue,
  TokenQuery,
  tokenQuery,
  type UserColumnValue,
  UserQuery,
  userQuery,
} from "./search.js";
