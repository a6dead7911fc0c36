/**
 * Confirmation of Signature Service operations (guide, §6.2-6.3.5) as a typed state machine over
 * the generated clients: create the transaction, obtain the confirmed token by challenge and
 * response, polling, a transaction callback, or the OAuth route, then call the operation with it.
 */

export {
  ConfirmationFailedError,
  confirmAndCall,
  type UnconfirmedOutcome,
  withConfirmedToken,
} from "./call.js";
export {
  CallbackReceiver,
  type CallbackReceiverOptions,
  isTransactionCallback,
} from "./callback.js";
export {
  type ConfirmationStep,
  interpretConfirmationResponse,
  outcomeForError,
  type StepContext,
} from "./machine.js";
export {
  type OAuthConfirmation,
  type OAuthConfirmationOptions,
  startOAuthConfirmation,
} from "./oauth-route.js";
export { confirmTransaction, resumePolling } from "./run.js";
export type {
  ChallengeAnswerer,
  ChallengeContext,
  ConfirmationError,
  ConfirmationMethod,
  ConfirmationOutcome,
  ConfirmationState,
  ConfirmedOutcome,
  ConfirmTransactionOptions,
  DeclinedOutcome,
  ErrorOutcome,
  ExpiredOutcome,
  MaxAttemptsOutcome,
  OutcomeBase,
  PendingOutcome,
  PollingOptions,
  UserTokenSource,
} from "./types.js";
