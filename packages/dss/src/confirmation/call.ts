import { bearerAuth, TrustspecError } from "@trustspec/runtime/core";
import type { DssSignClient } from "../generated/signserver/client.gen.js";
import { withAuth } from "../oauth/internal.js";
import { confirmTransaction } from "./run.js";
import type { ConfirmationOutcome, ConfirmTransactionOptions } from "./types.js";

/** Outcomes other than `confirmed`. */
export type UnconfirmedOutcome = Exclude<ConfirmationOutcome, { status: "confirmed" }>;

/**
 * A confirmed token was needed but the confirmation ended otherwise. `outcome` says how; the
 * message names the status and the error identifier, never a token.
 */
export class ConfirmationFailedError extends TrustspecError {
  /** How the confirmation ended. */
  readonly outcome: UnconfirmedOutcome;

  constructor(outcome: UnconfirmedOutcome) {
    const detail = "error" in outcome ? `: ${outcome.error}` : "";
    super(
      "confirmation_failed",
      `transaction ${outcome.transactionId} was not confirmed (${outcome.status}${detail})`,
    );
    this.name = "ConfirmationFailedError";
    this.outcome = outcome;
  }

  /** A plain form for logs. */
  toJSON(): { name: string; code: string; message: string; outcome: UnconfirmedOutcome } {
    return { name: this.name, code: this.code, message: this.message, outcome: this.outcome };
  }
}

/**
 * Runs `call` with a client that presents the confirmed token: the same Signature Service client,
 * its `auth` replaced by `Authorization: Bearer <confirmed token>`. The token is good for the
 * confirmed transaction only, so it is not refreshed; a 401 surfaces as ApiError.
 *
 * @throws ConfirmationFailedError when `confirmed` is an outcome other than `confirmed`.
 */
export async function withConfirmedToken<T>(
  sign: DssSignClient,
  confirmed: ConfirmationOutcome | string,
  call: (client: DssSignClient) => Promise<T>,
): Promise<T> {
  let token: string;
  if (typeof confirmed === "string") token = confirmed;
  else if (confirmed.status === "confirmed") token = confirmed.accessToken;
  else throw new ConfirmationFailedError(confirmed);
  return call(withAuth(sign, bearerAuth(token)));
}

/**
 * Confirms the transaction ({@link confirmTransaction}) and then runs `call` with the confirmed
 * token ({@link withConfirmedToken}), e.g. `signDocument` without the document, which the
 * transaction already holds (guide, lines 11048-11061).
 *
 * @throws ConfirmationFailedError when the confirmation does not end `confirmed`.
 */
export async function confirmAndCall<T>(
  options: ConfirmTransactionOptions,
  call: (
    client: DssSignClient,
    outcome: Extract<ConfirmationOutcome, { status: "confirmed" }>,
  ) => Promise<T>,
): Promise<T> {
  const outcome = await confirmTransaction(options);
  if (outcome.status !== "confirmed") throw new ConfirmationFailedError(outcome);
  return withConfirmedToken(options.sign, outcome, (client) => call(client, outcome));
}
