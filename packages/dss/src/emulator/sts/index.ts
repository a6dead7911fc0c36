import type { DssStsHandlers } from "../../generated/sts/server.gen.js";
import type { DssEmulatorState } from "../state.js";
import { authorizeHandlers } from "./authorize.js";
import { type ConfirmationService, confirmationHandlers } from "./confirmation.js";
import { tokenHandlers } from "./token.js";

export { screenAuthorizeRequest } from "./authorize.js";
export { ConfirmationService, type StsOptions } from "./confirmation.js";
export { BASIC_REALM, readSubjectToken } from "./token.js";

/**
 * The identity centre's handlers: the token endpoint (password, authorization code and token
 * exchange grants), the authorization endpoints and the confirmation service.
 */
export function createStsHandlers(
  state: DssEmulatorState,
  confirmations: ConfirmationService,
): DssStsHandlers {
  return {
    ...tokenHandlers(state),
    ...authorizeHandlers(state),
    ...confirmationHandlers(state, confirmations),
  };
}
