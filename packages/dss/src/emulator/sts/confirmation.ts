import type {
  ConfirmContext,
  ConfirmReply,
  DssStsHandlers,
} from "../../generated/sts/server.gen.js";
import {
  type ConfirmationErrorCode,
  ConfirmationErrorCode as ConfirmationErrors,
  type ConfirmationResponse,
  type InteractiveChallenge,
  type TransactionCallback,
} from "../../generated/sts/types.gen.js";
import { ACTION_DISPLAY_NAMES } from "../actions.js";
import { dtbsChallengeText, isUnattended } from "../dtbs.js";
import { confirmationError } from "../errors.js";
import {
  type DssEmulatorState,
  type Principal,
  type StoredConfirmation,
  type StoredTransaction,
  sameSecret,
} from "../state.js";

const AUTHN_METHOD = {
  otp: "http://dss.cryptopro.ru/identity/authenticationmethod/otpviasms",
  mydss: "http://dss.cryptopro.ru/identity/authenticationmethod/mobile",
} as const;

const TITLES = {
  otp: "Введите одноразовый пароль для подтверждения операции",
  // The myDSS example's title (guide, line 15717).
  mydss: "Подтвердите операцию на устройстве с помощью приложения.",
} as const;

/** What the identity centre's handlers need besides the state. */
export interface StsOptions {
  /** Approve asynchronous (myDSS) confirmations by themselves after this many milliseconds. */
  autoApproveMs?: number;
  /** Sends TransactionCallback notifications (default: the global fetch). */
  fetch?: typeof globalThis.fetch;
  /** Receives one line per notable event; never a secret. */
  log?: (line: string) => void;
}

/**
 * The confirmation service of the identity centre (guide, §6.3.3-6.3.5): challenges with a
 * one-time password, or pending until approved or declined (myDSS); callbacks; tokens bound to
 * the confirmed transaction.
 */
export class ConfirmationService {
  readonly #state: DssEmulatorState;
  readonly #options: StsOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #deliveries = new Set<Promise<void>>();

  constructor(state: DssEmulatorState, options: StsOptions) {
    this.#state = state;
    this.#options = options;
  }

  /** The first request: starts confirming a transaction (or a confirmation scope). */
  start(
    principal: Principal,
    init: {
      transactionId?: string;
      scope?: string;
      callbackUri?: string;
    },
  ): ConfirmReply {
    const state = this.#state;
    const now = state.nowMs();
    const user = principal.user;
    let tx: StoredTransaction | undefined;
    if (init.transactionId !== undefined) {
      tx = state.transactions.get(init.transactionId);
      if (!tx || tx.owner !== user.login) {
        return fail(400, "invalid_transaction", "No transaction with this id belongs to the user.");
      }
      if (tx.expiresAt <= now) {
        tx.state = "failed";
        return {
          status: 200,
          body: confirmationError("transaction_expired", "The transaction has expired.", {
            TransactionTokenId: tx.id,
          }),
        };
      }
      if (tx.state !== "open") {
        return fail(
          400,
          "invalid_transaction",
          "The transaction has already been confirmed, used or refused.",
        );
      }
    } else if (init.scope === undefined) {
      return fail(400, "invalid_transaction", "TransactionTokenId is not given.");
    }
    // §6.4: an unattendedSign="true" document is signed without being shown to or confirmed by
    // the user, so the token for it is issued at once, as for any operation that needs no
    // confirmation (§7.1.2, lines 12158-12160: IsFinal true and the token, no challenge).
    const unattended = isUnattended(tx);
    for (const c of unattended ? [] : state.confirmations.values()) {
      if (c.owner !== user.login || c.state !== "pending" || c.expiresAt <= now) continue;
      if (c.mode === "mydss") {
        return fail(400, "transaction_pending", "The user already has a pending confirmation.");
      }
      // A one-time password confirmation started again replaces the abandoned one.
      if (tx && c.transactionId === tx.id) state.confirmations.delete(c.refId);
    }
    const mode = user.confirmation;
    const confirmation: StoredConfirmation = {
      refId: crypto.randomUUID(),
      owner: user.login,
      ...(principal.actor ? { actor: principal.actor.login } : {}),
      clientId: principal.token.clientId,
      ...(tx ? { transactionId: tx.id } : {}),
      ...(init.scope !== undefined ? { scope: init.scope } : {}),
      ...(init.callbackUri !== undefined ? { callbackUri: init.callbackUri } : {}),
      mode,
      attempts: 0,
      state: "pending",
      title: TITLES[mode],
      label: tx ? describeTransaction(tx) : `Подтверждение операции: ${init.scope}`,
      expiresAt: tx ? tx.expiresAt : now + state.options.transactionLifetimeSeconds * 1000,
    };
    state.confirmations.set(confirmation.refId, confirmation);
    this.#options.log?.(
      `confirmation ${confirmation.refId} started for ${user.login} (${unattended ? "unattended" : mode}${tx ? `, transaction ${tx.id}` : ""})`,
    );
    if (unattended) {
      this.#finish(confirmation, "confirmed");
      return { status: 200, body: this.#finalAnswer(confirmation) };
    }
    if (mode === "mydss" && this.#options.autoApproveMs !== undefined) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (confirmation.state === "pending") this.#finish(confirmation, "confirmed");
      }, this.#options.autoApproveMs);
      timer.unref();
      this.#timers.add(timer);
    }
    return { status: 200, body: this.#pendingAnswer(confirmation) };
  }

  /** A later request: answers the challenge with `value`, or asks for the state without one. */
  answer(principal: Principal, refId: string, value: string | undefined): ConfirmReply {
    const c = this.#state.confirmations.get(refId);
    if (!c || c.owner !== principal.user.login) {
      return fail(
        400,
        "invalid_transaction",
        "No confirmation with this RefId belongs to the user.",
      );
    }
    if (c.state === "pending" && c.expiresAt <= this.#state.nowMs()) {
      this.#finish(c, "failed", "transaction_expired", "The transaction has expired.");
    }
    if (c.state !== "pending") return { status: 200, body: this.#finalAnswer(c) };
    if (value === undefined) {
      // myDSS: still waiting for the phone; one-time password: the challenge again.
      return {
        status: 200,
        body: c.mode === "mydss" ? { IsFinal: false, IsError: false } : this.#pendingAnswer(c),
      };
    }
    const user = this.#state.users.get(c.owner);
    const expected = user?.otp ?? this.#state.options.otp;
    if (sameSecret(value, expected)) {
      this.#finish(c, "confirmed");
      return { status: 200, body: this.#finalAnswer(c) };
    }
    c.attempts++;
    const left = this.#state.options.maxOtpAttempts - c.attempts;
    if (left <= 0) {
      this.#finish(
        c,
        "failed",
        "max_attempts_exceeded",
        "Too many wrong one-time passwords; the transaction is refused.",
      );
      return { status: 200, body: this.#finalAnswer(c) };
    }
    return {
      status: 200,
      body: {
        ...this.#pendingAnswer(c),
        IsError: true,
        Error: ConfirmationErrors.AuthenticationFailed,
        ErrorDescription: `The one-time password is wrong; ${left} attempt(s) left.`,
      },
    };
  }

  /**
   * Approves a pending confirmation as the user's phone would (myDSS), or as a correct one-time
   * password would. `id` is the Signature Service transaction id or the confirmation's RefID.
   *
   * @throws Error when no pending confirmation has this id.
   */
  approve(id: string): void {
    this.#finish(this.#pending(id), "confirmed");
  }

  /** Declines a pending confirmation: the user refused it (`authentication_declined`). */
  decline(id: string): void {
    this.#finish(
      this.#pending(id),
      "failed",
      "authentication_declined",
      "The user declined the operation.",
    );
  }

  /** Stops the auto-approval timers and waits for callbacks under way. */
  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.allSettled([...this.#deliveries]);
  }

  #pending(id: string): StoredConfirmation {
    for (const c of this.#state.confirmations.values()) {
      if (c.state === "pending" && (c.refId === id || c.transactionId === id)) return c;
    }
    throw new Error(`no pending confirmation for ${id}`);
  }

  #challenge(c: StoredConfirmation): InteractiveChallenge {
    return {
      Title: { Value: c.title },
      TextChallenge: [
        {
          AuthnMethod: AUTHN_METHOD[c.mode],
          RefID: c.refId,
          Label: c.label,
          MaxLenSpecified: false,
          HideTextSpecified: false,
        },
      ],
      ContextData: { RefID: c.refId },
    };
  }

  #pendingAnswer(c: StoredConfirmation): ConfirmationResponse {
    return {
      ...(c.transactionId ? { TransactionTokenId: c.transactionId } : {}),
      Challenge: this.#challenge(c),
      IsFinal: false,
      IsError: false,
    };
  }

  #finalAnswer(c: StoredConfirmation): ConfirmationResponse {
    const extra = c.transactionId ? { TransactionTokenId: c.transactionId } : {};
    if (c.state === "confirmed") {
      return { ...extra, AccessToken: c.accessToken!, IsFinal: true, IsError: false };
    }
    return confirmationError(
      c.error ?? "internal_error",
      c.errorDescription ?? "The confirmation failed.",
      extra,
    );
  }

  #finish(
    c: StoredConfirmation,
    outcome: "confirmed" | "failed",
    error?: ConfirmationErrorCode,
    description?: string,
  ): void {
    const tx = c.transactionId ? this.#state.transactions.get(c.transactionId) : undefined;
    if (outcome === "confirmed") {
      const token = this.#state.issueToken({
        subject: c.owner,
        ...(c.actor ? { actor: c.actor } : {}),
        clientId: c.clientId,
        scope: c.scope ? `dss ${c.scope}` : "dss",
        ...(tx ? { transactionId: tx.id } : {}),
      });
      c.accessToken = token.value;
      c.state = "confirmed";
      if (tx) tx.state = "confirmed";
    } else {
      c.state = "failed";
      if (error) c.error = error;
      if (description) c.errorDescription = description;
      if (tx && tx.state === "open") tx.state = "failed";
    }
    this.#options.log?.(
      `confirmation ${c.refId} ${outcome}${error ? ` (${error})` : ""} for ${c.owner}`,
    );
    if (c.callbackUri) {
      this.#notify(c.callbackUri, {
        Result: outcome === "confirmed" ? "success" : "failed",
        TransactionId: c.transactionId ?? c.refId,
        Error: outcome === "confirmed" ? "" : (error ?? ""),
      });
    }
  }

  /** POSTs a TransactionCallback (guide, lines 11235-11256); failures are only logged. */
  #notify(uri: string, callback: TransactionCallback): void {
    const doFetch = this.#options.fetch ?? globalThis.fetch;
    const delivery = (async () => {
      try {
        const res = await doFetch(uri, {
          method: "POST",
          headers: { "content-type": "application/json; charset=utf-8" },
          body: JSON.stringify(callback),
          signal: AbortSignal.timeout(10_000),
        });
        await res.body?.cancel();
        this.#options.log?.(`callback for ${callback.TransactionId}: HTTP ${res.status}`);
      } catch (e) {
        this.#options.log?.(
          `callback for ${callback.TransactionId} failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    })();
    this.#deliveries.add(delivery);
    void delivery.finally(() => this.#deliveries.delete(delivery));
  }
}

/**
 * The confirmation endpoint (guide, §6.3.3): a bearer token's first request starts confirming a
 * transaction or a confirmation scope, later ones answer the challenge.
 */
export function confirmationHandlers(
  state: DssEmulatorState,
  confirmations: ConfirmationService,
): Pick<DssStsHandlers, "confirm"> {
  return {
    confirm(ctx: ConfirmContext): ConfirmReply {
      const principal = state.authenticate(ctx.request.headers.authorization);
      if (typeof principal === "string") {
        return {
          status: 401,
          headers: { "www-authenticate": "Bearer" },
          body: confirmationError(
            "authentication_failed",
            principal === "expired"
              ? "The access token has expired."
              : "A valid access token is required.",
          ),
        };
      }
      const body = ctx.body;
      const answer = body.ChallengeResponse?.TextChallengeResponse?.[0];
      if (answer) return confirmations.answer(principal, answer.RefId, answer.Value);
      const callbackUri = callbackUriOf(body.CallbackUri);
      if (callbackUri === false) {
        return fail(400, "invalid_transaction", "CallbackUri is not an http(s) URL.");
      }
      return confirmations.start(principal, {
        ...(body.TransactionTokenId !== undefined
          ? { transactionId: body.TransactionTokenId }
          : {}),
        ...(body.ConfirmationScope !== undefined ? { scope: body.ConfirmationScope } : {}),
        ...(callbackUri !== undefined ? { callbackUri } : {}),
      });
    },
  };
}

/** A confirmation error answer. */
function fail(
  status: 400 | 401 | 500,
  error: ConfirmationErrorCode,
  description: string,
): ConfirmReply {
  return { status, body: confirmationError(error, description) };
}

/**
 * The challenge's Label: what is confirmed, as in the guide's example (lines 14574-14578), then,
 * for a `dtbs` transaction, the rows of its displayed-data document in the form of §6.4 (lines
 * 11414-11422: «Name1 : Value1, Name2 : Value2, …»). The OAuth confirmation and the WS-Trust
 * challenge both show this text.
 */
function describeTransaction(tx: StoredTransaction): string {
  const p = tx.parameters;
  const parts = [ACTION_DISPLAY_NAMES[tx.action]];
  if (p.DocumentInfo) parts.push(p.DocumentInfo);
  if (p.SignatureType) parts.push(`Тип подписи: ${p.SignatureType}`);
  if (p.CertificateID) parts.push(`Сертификат: ${p.CertificateID}`);
  const rows = dtbsChallengeText(tx);
  return `${parts.join(". ")}.${rows === undefined ? "" : ` ${rows}`}`;
}

/** Validates a confirmation's CallbackUri: an absolute http(s) URL. */
function callbackUriOf(value: string | undefined): string | undefined | false {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : false;
  } catch {
    return false;
  }
}
