import type { ConfirmationResponse, InteractiveChallenge } from "../generated/sts/types.gen.js";
import type { ConfirmationError, ConfirmationOutcome, OutcomeBase } from "./types.js";

/** What to do after one answer of the confirmation service. */
export type ConfirmationStep =
  /** The confirmation has ended. */
  | { next: "finish"; outcome: ConfirmationOutcome }
  /**
   * Not ended: answer `challenge` (or poll) under `refId`. `refusal` tells why the previous
   * answer was refused, when it was (a wrong one-time password).
   */
  | {
      next: "continue";
      refId: string;
      challenge: InteractiveChallenge | undefined;
      refusal?: { error: ConfirmationError | undefined; description: string | undefined };
    };

/** Where the machine stands when an answer arrives. */
export interface StepContext {
  transactionId: string;
  /** The RefID learnt from an earlier challenge. */
  refId?: string | undefined;
  /** Answers sent so far. */
  attempts: number;
}

/**
 * The outcome for a confirmation error identifier (Table 102): `authentication_declined` is a
 * refusal, `transaction_expired` an expiry, `max_attempts_exceeded` too many wrong passwords;
 * anything else (`invalid_transaction`, `internal_error`, `transaction_pending`,
 * `authentication_failed` at the end, or an unlisted text) is an error.
 */
export function outcomeForError(
  error: ConfirmationError,
  description: string | undefined,
  base: OutcomeBase,
  attempts: number,
): ConfirmationOutcome {
  const detail = description === undefined || description === "" ? {} : { description };
  switch (error) {
    case "authentication_declined":
      return { status: "declined", ...base, error, ...detail };
    case "transaction_expired":
      return { status: "expired", ...base, error, ...detail };
    case "max_attempts_exceeded":
      return { status: "maxAttempts", ...base, error, ...detail, attempts, limitedBy: "server" };
    default:
      return { status: "error", ...base, error, ...detail };
  }
}

/**
 * The transition function of the confirmation state machine: reads one ConfirmationResponse
 * (guide, Table 101, lines 11140-11171, 11227-11233) and says whether the confirmation ended and
 * how, or what to answer next. Pure: no I/O.
 *
 * - `IsFinal` without `IsError`: confirmed, with `AccessToken` (an `error` outcome
 *   `missing_access_token` if the server sent none).
 * - `IsError` with `IsFinal`, or with any identifier but `authentication_failed`: ended, see
 *   {@link outcomeForError}.
 * - `IsError` without `IsFinal` and with `authentication_failed` (or no identifier): the last
 *   answer was wrong; answer again.
 * - Otherwise: still going; the RefID comes from the new challenge, its context, or the last one.
 */
export function interpretConfirmationResponse(
  response: ConfirmationResponse,
  context: StepContext,
): ConfirmationStep {
  const refId =
    response.Challenge?.TextChallenge?.[0]?.RefID ??
    response.Challenge?.ContextData?.RefID ??
    context.refId;
  const base: OutcomeBase = { transactionId: context.transactionId };
  if (refId !== undefined) base.refId = refId;

  if (response.IsError) {
    const error = response.Error;
    const retryable =
      !response.IsFinal &&
      (error === undefined || error === "" || error === "authentication_failed");
    if (!retryable) {
      return {
        next: "finish",
        outcome: outcomeForError(
          error === undefined || error === "" ? "unknown_error" : error,
          response.ErrorDescription,
          base,
          context.attempts,
        ),
      };
    }
    if (refId === undefined) {
      return {
        next: "finish",
        outcome: { status: "error", ...base, error: "missing_challenge" },
      };
    }
    return {
      next: "continue",
      refId,
      challenge: response.Challenge,
      refusal: {
        error: error === undefined || error === "" ? undefined : error,
        description: response.ErrorDescription,
      },
    };
  }

  if (response.IsFinal) {
    if (response.AccessToken === undefined || response.AccessToken === "") {
      return {
        next: "finish",
        outcome: {
          status: "error",
          ...base,
          error: "missing_access_token",
          description: "the final answer carries no access token",
        },
      };
    }
    return {
      next: "finish",
      outcome: { status: "confirmed", ...base, accessToken: response.AccessToken },
    };
  }

  if (refId === undefined) {
    return {
      next: "finish",
      outcome: {
        status: "error",
        ...base,
        error: "missing_challenge",
        description: "the answer is not final but names no confirmation (RefID)",
      },
    };
  }
  return { next: "continue", refId, challenge: response.Challenge };
}
