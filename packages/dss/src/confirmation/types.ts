import type { TokenProvider, TokenSource } from "@trustspec/runtime/core";
import type { DssSignClient } from "../generated/signserver/client.gen.js";
import type { Transaction } from "../generated/signserver/types.gen.js";
import type { DssStsClient } from "../generated/sts/client.gen.js";
import type {
  ConfirmationErrorCode,
  InteractiveChallenge,
  TextChallengeResponse,
} from "../generated/sts/types.gen.js";
import type { CallbackReceiver } from "./callback.js";

/** A confirmation error identifier (Table 102), or another string the server sent. */
export type ConfirmationError = ConfirmationErrorCode | (string & {});

/** What every outcome tells: which transaction, and the confirmation's RefID once known. */
export interface OutcomeBase {
  /** The Signature Service transaction id. */
  transactionId: string;
  /** The identity centre's confirmation id (the challenge's RefID), once known. */
  refId?: string;
}

/** The user confirmed; `accessToken` authorizes the confirmed operation. */
export interface ConfirmedOutcome extends OutcomeBase {
  status: "confirmed";
  /** The token for the confirmed operation only. Treat it as a secret; do not log it. */
  accessToken: string;
}

/** The user refused (`authentication_declined`, or an OAuth `access_denied`). */
export interface DeclinedOutcome extends OutcomeBase {
  status: "declined";
  error: ConfirmationError;
  description?: string;
}

/** The transaction's time ran out (`transaction_expired`). */
export interface ExpiredOutcome extends OutcomeBase {
  status: "expired";
  error: ConfirmationError;
  description?: string;
}

/** Too many wrong one-time passwords (`max_attempts_exceeded`), or the client's own cap reached. */
export interface MaxAttemptsOutcome extends OutcomeBase {
  status: "maxAttempts";
  error: ConfirmationError;
  description?: string;
  /** Answers sent. */
  attempts: number;
  /** Who stopped: the identity centre, or this client's `maxAnswers`. */
  limitedBy: "server" | "client";
}

/** No final answer within the wait allowed (polling or waiting for the callback); the transaction may still end. */
export interface PendingOutcome extends OutcomeBase {
  status: "pending";
  /** Status requests sent while waiting. */
  polls: number;
  /** Time spent waiting, in milliseconds. */
  waitedMs: number;
}

/** Any other failure the identity centre reported, e.g. `invalid_transaction`, `internal_error`, `transaction_pending`. */
export interface ErrorOutcome extends OutcomeBase {
  status: "error";
  error: ConfirmationError;
  description?: string;
}

/** How a confirmation ended: a discriminated union on `status`. */
export type ConfirmationOutcome =
  | ConfirmedOutcome
  | DeclinedOutcome
  | ExpiredOutcome
  | MaxAttemptsOutcome
  | PendingOutcome
  | ErrorOutcome;

/** The steps a confirmation goes through, reported to `onState` as they happen. */
export type ConfirmationState =
  | { state: "creatingTransaction" }
  | { state: "starting"; transactionId: string }
  | {
      state: "awaitingAnswer";
      transactionId: string;
      refId: string;
      challenge: InteractiveChallenge;
      attempt: number;
    }
  | { state: "submittingAnswer"; transactionId: string; refId: string; attempt: number }
  | { state: "polling"; transactionId: string; refId: string; poll: number; delayMs: number }
  | { state: "awaitingCallback"; transactionId: string; refId: string }
  | { state: "awaitingRedirect"; transactionId: string }
  | { state: "exchangingCode"; transactionId: string }
  | { state: "done"; outcome: ConfirmationOutcome };

/** What the application's answer callback learns about the current challenge. */
export interface ChallengeContext {
  /** 1 for the first answer, 2 after a wrong one, … */
  attempt: number;
  /** Why the previous answer was refused (e.g. `authentication_failed`); absent on the first. */
  previousError?: ConfirmationError;
  /** The server's description of the previous refusal. */
  previousErrorDescription?: string;
  /** Aborts when the confirmation is cancelled; stop asking the user then. */
  signal: AbortSignal;
}

/**
 * Asks the user and resolves to the one-time password for the (first) text challenge, or to one
 * answer per challenge (`RefId` and `Value`) when the challenge has several.
 */
export type ChallengeAnswerer = (
  challenge: InteractiveChallenge,
  context: ChallengeContext,
) => Promise<string | TextChallengeResponse[]>;

/** Exponential backoff of status requests while the user confirms elsewhere (myDSS). */
export interface PollingOptions {
  /** The first wait, in milliseconds (default 1 000). */
  initialDelayMs?: number;
  /** Each wait is the previous one times this (default 2). */
  factor?: number;
  /** Cap on one wait (default 10 000 ms). */
  maxDelayMs?: number;
  /** Give up (outcome `pending`) after this much waiting in total (default 120 000 ms). */
  maxWaitMs?: number;
}

/** How the user confirms. */
export type ConfirmationMethod =
  /** Challenge and response: the user types a one-time password (SMS, e-mail, SIM applet). */
  | {
      kind: "challenge";
      answer: ChallengeAnswerer;
      /** Most answers this client sends before giving up with `maxAttempts` (default 10). */
      maxAnswers?: number;
    }
  /** Asynchronous approval (myDSS): ask for the status without a value, with backoff. */
  | ({ kind: "poll" } & PollingOptions)
  /**
   * Asynchronous approval with a callback: the identity centre POSTs a TransactionCallback to
   * `callbackUri`; the application hands it to `receiver`. On success one status request fetches
   * the token (polling briefly if the status lags).
   */
  | {
      kind: "callback";
      receiver: CallbackReceiver;
      /** Where the identity centre sends the TransactionCallback. */
      callbackUri: string;
      /** Give up (outcome `pending`) after this long (default 300 000 ms). */
      timeoutMs?: number;
      /** Backoff of the status requests after a success callback. */
      polling?: PollingOptions;
    };

/** Authorization of the user's general-purpose calls: a token, a function or a provider. */
export type UserTokenSource = TokenSource | TokenProvider;

/** What {@link confirmTransaction} needs. */
export interface ConfirmTransactionOptions {
  /** The Signature Service client (creates the transaction). */
  sign: DssSignClient;
  /** The identity centre client (sends the confirmation requests). */
  sts: DssStsClient;
  /**
   * The user's general-purpose token for both clients (`Authorization: Bearer`). Leave it out
   * when the clients already carry their own `auth`.
   */
  userToken?: UserTokenSource;
  /** The transaction to create, or the id of one already created. */
  transaction: Transaction | { id: string };
  /** The resource the operation's token is for, e.g. `https://dss.example/SignServer/rest/api`. */
  resource: string;
  /** How the user confirms. */
  method: ConfirmationMethod;
  /** Cancels the confirmation at any wait or request; the promise then rejects with AbortError. */
  signal?: AbortSignal;
  /** Sees each step as it happens (for UI and logs). */
  onState?: (state: ConfirmationState) => void;
}
