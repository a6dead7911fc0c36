import { ApiError, bearerAuth } from "@trustspec/runtime/core";
import { createTransaction, type DssSignClient } from "../generated/signserver/client.gen.js";
import type { Transaction } from "../generated/signserver/types.gen.js";
import { confirm, type DssStsClient } from "../generated/sts/client.gen.js";
import type {
  ConfirmationResponse,
  InteractiveChallenge,
  RequestConfirmation,
  TextChallengeResponse,
} from "../generated/sts/types.gen.js";
import { abortable, sleep, throwIfAborted, withAuth } from "../oauth/internal.js";
import { interpretConfirmationResponse, outcomeForError } from "./machine.js";
import type {
  ChallengeAnswerer,
  ConfirmationOutcome,
  ConfirmationState,
  ConfirmTransactionOptions,
  PollingOptions,
  UserTokenSource,
} from "./types.js";

const OPERATION = "confirmation";

/** What every step of a run shares. */
interface Run {
  sts: DssStsClient;
  resource: string;
  transactionId: string;
  signal: AbortSignal | undefined;
  emit(state: ConfirmationState): void;
}

/** The clients with the user's token, when one is given. */
export function authorizedClients(
  sign: DssSignClient,
  sts: DssStsClient,
  userToken: UserTokenSource | undefined,
): { sign: DssSignClient; sts: DssStsClient } {
  if (userToken === undefined) return { sign, sts };
  const auth = bearerAuth(userToken);
  return { sign: withAuth(sign, auth), sts: withAuth(sts, auth) };
}

/**
 * Creates the transaction on the Signature Service (generated `createTransaction`; guide,
 * §6.2.2) or takes the id of an existing one.
 */
export async function transactionIdFor(
  sign: DssSignClient,
  transaction: Transaction | { id: string },
  signal?: AbortSignal,
): Promise<string> {
  if ("id" in transaction) return transaction.id;
  const result = await createTransaction(sign, { body: transaction }, signal ? { signal } : {});
  return result.data;
}

/**
 * Confirms a Signature Service operation through the identity centre's confirmation service
 * (guide, §6.2 and §6.3.3-6.3.5): creates the transaction (unless given its id), starts the
 * confirmation with `TransactionTokenId` and `Resource`, then, by `method`,
 *
 * - `challenge`: asks the application's callback for each one-time password and sends it as
 *   `ChallengeResponse` until the answer is final (a wrong password asks again);
 * - `poll`: repeats the request without a value, with exponential backoff, until it is final
 *   or the wait allowed is over (outcome `pending`);
 * - `callback`: sends `CallbackUri`, waits for the TransactionCallback fed to the receiver,
 *   then fetches the token with one status request.
 *
 * Resolves to a {@link ConfirmationOutcome}; the identity centre's refusals are outcomes, not
 * exceptions. Transport failures, contract violations and HTTP errors without a confirmation
 * body throw the runtime's errors; `signal` rejects with AbortError at any wait or request.
 */
export async function confirmTransaction(
  options: ConfirmTransactionOptions,
): Promise<ConfirmationOutcome> {
  const { signal, method } = options;
  const emit = (state: ConfirmationState) => options.onState?.(state);
  throwIfAborted(signal, OPERATION);
  const clients = authorizedClients(options.sign, options.sts, options.userToken);

  if (!("id" in options.transaction)) emit({ state: "creatingTransaction" });
  const transactionId = await transactionIdFor(clients.sign, options.transaction, signal);
  const run: Run = { sts: clients.sts, resource: options.resource, transactionId, signal, emit };

  emit({ state: "starting", transactionId });
  const first: RequestConfirmation = {
    TransactionTokenId: transactionId,
    Resource: options.resource,
  };
  if (method.kind === "callback") first.CallbackUri = method.callbackUri;
  const response = await send(run, first);

  let outcome: ConfirmationOutcome;
  switch (method.kind) {
    case "challenge":
      outcome = await challengeLoop(run, response, method.answer, method.maxAnswers ?? 10);
      break;
    case "poll":
      outcome = await pollLoop(run, response, method, undefined);
      break;
    case "callback":
      outcome = await callbackWait(run, response, method);
      break;
  }
  emit({ state: "done", outcome });
  return outcome;
}

/**
 * Keeps polling a confirmation already started (e.g. after an outcome `pending`): status
 * requests with the RefID and no value, with backoff, until final or the wait is over.
 */
export async function resumePolling(options: {
  sts: DssStsClient;
  userToken?: UserTokenSource;
  resource: string;
  transactionId: string;
  refId: string;
  polling?: PollingOptions;
  signal?: AbortSignal;
  onState?: (state: ConfirmationState) => void;
}): Promise<ConfirmationOutcome> {
  const sts =
    options.userToken === undefined
      ? options.sts
      : withAuth(options.sts, bearerAuth(options.userToken));
  const run: Run = {
    sts,
    resource: options.resource,
    transactionId: options.transactionId,
    signal: options.signal,
    emit: (state) => options.onState?.(state),
  };
  const outcome = await pollLoop(
    run,
    { IsFinal: false, IsError: false, Challenge: { TextChallenge: [{ RefID: options.refId }] } },
    options.polling ?? {},
    undefined,
  );
  run.emit({ state: "done", outcome });
  return outcome;
}

/** One request to /confirmation; an HTTP error with a confirmation body becomes that body. */
async function send(run: Run, body: RequestConfirmation): Promise<ConfirmationResponse> {
  try {
    const result = await confirm(run.sts, { body }, run.signal ? { signal: run.signal } : {});
    return result.data;
  } catch (error) {
    const fromError = error instanceof ApiError ? confirmationBodyOf(error.body) : undefined;
    if (fromError) return fromError;
    throw error;
  }
}

/** The confirmation service reports errors as JSON objects (guide, §6.3.5); read one from an error answer. */
function confirmationBodyOf(body: unknown): ConfirmationResponse | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.Error !== "string" || b.Error === "") return undefined;
  const response: ConfirmationResponse = {
    IsFinal: typeof b.IsFinal === "boolean" ? b.IsFinal : true,
    IsError: true,
    Error: b.Error,
  };
  if (typeof b.ErrorDescription === "string") response.ErrorDescription = b.ErrorDescription;
  return response;
}

function statusRequest(run: Run, refId: string): RequestConfirmation {
  return {
    Resource: run.resource,
    ChallengeResponse: { TextChallengeResponse: [{ RefId: refId }] },
  };
}

async function challengeLoop(
  run: Run,
  initial: ConfirmationResponse,
  answer: ChallengeAnswerer,
  maxAnswers: number,
): Promise<ConfirmationOutcome> {
  let response = initial;
  let attempts = 0;
  let refId: string | undefined;
  let challenge: InteractiveChallenge | undefined;
  const signal = run.signal ?? new AbortController().signal;
  for (;;) {
    const step = interpretConfirmationResponse(response, {
      transactionId: run.transactionId,
      refId,
      attempts,
    });
    if (step.next === "finish") return step.outcome;
    refId = step.refId;
    challenge = step.challenge ?? challenge ?? { TextChallenge: [{ RefID: refId }] };
    if (attempts >= maxAnswers) {
      return {
        status: "maxAttempts",
        transactionId: run.transactionId,
        refId,
        error: "max_attempts_exceeded",
        description: `no final answer after ${attempts} answers`,
        attempts,
        limitedBy: "client",
      };
    }
    attempts++;
    run.emit({
      state: "awaitingAnswer",
      transactionId: run.transactionId,
      refId,
      challenge,
      attempt: attempts,
    });
    const given = await abortable(
      answer(challenge, {
        attempt: attempts,
        signal,
        ...(step.refusal?.error === undefined ? {} : { previousError: step.refusal.error }),
        ...(step.refusal?.description === undefined
          ? {}
          : { previousErrorDescription: step.refusal.description }),
      }),
      run.signal,
      OPERATION,
    );
    const responses: TextChallengeResponse[] =
      typeof given === "string"
        ? [{ RefId: challenge.TextChallenge[0]?.RefID ?? refId, Value: given }]
        : given;
    run.emit({
      state: "submittingAnswer",
      transactionId: run.transactionId,
      refId,
      attempt: attempts,
    });
    response = await send(run, {
      Resource: run.resource,
      ChallengeResponse: { TextChallengeResponse: responses },
    });
  }
}

async function pollLoop(
  run: Run,
  initial: ConfirmationResponse,
  polling: PollingOptions,
  knownRefId: string | undefined,
): Promise<ConfirmationOutcome> {
  const factor = Math.max(1, polling.factor ?? 2);
  const maxDelay = Math.max(0, polling.maxDelayMs ?? 10_000);
  const maxWait = Math.max(0, polling.maxWaitMs ?? 120_000);
  let delay = Math.min(Math.max(0, polling.initialDelayMs ?? 1_000), maxDelay);
  let response = initial;
  let refId = knownRefId;
  let polls = 0;
  let waited = 0;
  for (;;) {
    const step = interpretConfirmationResponse(response, {
      transactionId: run.transactionId,
      refId,
      attempts: 0,
    });
    if (step.next === "finish") return step.outcome;
    refId = step.refId;
    if (waited >= maxWait) {
      return {
        status: "pending",
        transactionId: run.transactionId,
        refId,
        polls,
        waitedMs: waited,
      };
    }
    const pause = Math.min(delay, maxWait - waited);
    polls++;
    run.emit({
      state: "polling",
      transactionId: run.transactionId,
      refId,
      poll: polls,
      delayMs: pause,
    });
    await sleep(pause, run.signal, OPERATION);
    waited += pause;
    delay = Math.min(delay * factor, maxDelay);
    response = await send(run, statusRequest(run, refId));
  }
}

async function callbackWait(
  run: Run,
  initial: ConfirmationResponse,
  method: Extract<ConfirmTransactionOptions["method"], { kind: "callback" }>,
): Promise<ConfirmationOutcome> {
  const step = interpretConfirmationResponse(initial, {
    transactionId: run.transactionId,
    attempts: 0,
  });
  if (step.next === "finish") return step.outcome;
  const refId = step.refId;
  const timeoutMs = method.timeoutMs ?? 300_000;
  run.emit({ state: "awaitingCallback", transactionId: run.transactionId, refId });
  const callback = await method.receiver.wait([run.transactionId, refId], {
    timeoutMs,
    ...(run.signal ? { signal: run.signal } : {}),
  });
  if (callback === undefined) {
    return {
      status: "pending",
      transactionId: run.transactionId,
      refId,
      polls: 0,
      waitedMs: timeoutMs,
    };
  }
  if (callback.Result === "failed") {
    return outcomeForError(
      callback.Error === "" ? "failed" : callback.Error,
      callback.Error === ""
        ? "the identity centre reported the confirmation failed or was refused"
        : undefined,
      { transactionId: run.transactionId, refId },
      0,
    );
  }
  // Success: the token is fetched with a status request (guide, lines 14592-14613).
  const response = await send(run, statusRequest(run, refId));
  return pollLoop(
    run,
    response,
    { initialDelayMs: 250, maxWaitMs: 10_000, ...method.polling },
    refId,
  );
}
