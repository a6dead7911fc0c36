import type { DssSignHandlers } from "../../generated/signserver/server.gen.js";
import type { DssEmulatorState } from "../state.js";
import { certificateHandlers } from "./certificates.js";
import { type PrincipalRegistry, type SignServerConfig, SignServerContext } from "./context.js";
import { encryptionHandlers } from "./encryption.js";
import { policyHandlers } from "./policy.js";
import { requestHandlers } from "./requests.js";
import { revocationHandlers } from "./revocation.js";
import { signingHandlers } from "./signing.js";
import { transactionHandlers } from "./transactions.js";

export { recordCertificate } from "./certificates.js";
export type { CaHandler, PrincipalRegistry, SignServerConfig } from "./context.js";
export { emulatorPolicy } from "./policy.js";
export { issueOutOfBand } from "./requests.js";

/**
 * The Signature Service's handlers over the emulator's state, one module per resource. Every
 * operation acts for the caller's user; operations that reach a private key go through the
 * confirmation gate (guide, §6.2): under a policy that requires confirmation they need a token
 * confirmed for a transaction of the same action, and then take the document and parameters the
 * transaction holds.
 */
export function createSignServerHandlers(
  state: DssEmulatorState,
  config: SignServerConfig,
  principals: PrincipalRegistry,
): DssSignHandlers {
  const ctx = new SignServerContext(state, config, principals);
  return {
    ...certificateHandlers(ctx),
    ...revocationHandlers(ctx),
    ...requestHandlers(ctx),
    ...signingHandlers(ctx),
    ...encryptionHandlers(ctx),
    ...transactionHandlers(ctx),
    ...policyHandlers(ctx),
  };
}
