/**
 * The front-end acts for the signed-in user through the Signature Service's own handlers (as the
 * SOAP Sign Service does): the same certificates, PIN checks, confirmation gate and CMS.
 */
import {
  type HandlerContextParts,
  handlerContext,
  type RawRequest,
} from "@trustspec/runtime/server";
import type { DssSignHandlers } from "../../generated/signserver/server.gen.js";
import type { ConfirmationResponse } from "../../generated/sts/types.gen.js";
import {
  createSignServerHandlers,
  type PrincipalRegistry,
  type SignServerConfig,
} from "../signserver/index.js";
import type { DssEmulatorState, Principal } from "../state.js";
import type { ConfirmationService } from "../sts/index.js";

/** A handler's answer: the body, or the error text for the user. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

type Ctx<K extends keyof DssSignHandlers> = Parameters<DssSignHandlers[K]>[0];
type Body<K extends keyof DssSignHandlers> =
  Extract<Awaited<ReturnType<DssSignHandlers[K]>>, { status: 200 }> extends { body: infer B }
    ? B
    : undefined;

/** The client id the front-end's tokens carry. */
export const FRONTEND_CLIENT_ID = "dss.frontend";

/** Calls the Signature Service's handlers and the confirmation service for a user. */
export class FrontendBackend {
  readonly #principals: PrincipalRegistry = new WeakMap();
  readonly #handlers: DssSignHandlers;

  constructor(
    readonly state: DssEmulatorState,
    readonly config: SignServerConfig,
    readonly confirmations: ConfirmationService,
  ) {
    this.#handlers = createSignServerHandlers(state, config, this.#principals);
  }

  /** The user signed in to the front-end, as the handlers see a caller (a token of its own). */
  principal(login: string): Principal | undefined {
    const user = this.state.users.get(login);
    if (!user || user.locked) return undefined;
    const token = this.state.issueToken({
      subject: login,
      clientId: FRONTEND_CLIENT_ID,
      scope: "dss",
    });
    return { token, user, isOperator: user.role === "operator" };
  }

  /** The caller of a confirmed token (bound to its transaction). */
  confirmed(accessToken: string): Principal | undefined {
    const p = this.state.authenticate(`Bearer ${accessToken}`);
    return typeof p === "string" ? undefined : p;
  }

  /** Runs one Signature Service operation as `principal`. */
  async call<K extends keyof DssSignHandlers>(
    operation: K,
    principal: Principal,
    parts: HandlerContextParts,
  ): Promise<Outcome<Body<K>>> {
    const request: RawRequest = {
      method: "POST",
      url: "/frontend",
      headers: {},
      body: new Uint8Array(),
    };
    this.#principals.set(request, principal);
    const handler = this.#handlers[operation] as (ctx: Ctx<K>) => Promise<unknown>;
    const reply = (await handler(handlerContext<Ctx<K>>(operation, request, parts))) as {
      status: number;
      body?: unknown;
    };
    if (reply.status >= 200 && reply.status < 300) {
      return { ok: true, value: reply.body as Body<K> };
    }
    const error = (reply.body ?? {}) as { Message?: string; MessageDetail?: string };
    return {
      ok: false,
      message: error.MessageDetail ?? error.Message ?? `Ошибка ${reply.status}.`,
    };
  }

  /** Starts confirming a transaction (the confirmation service's first request). */
  startConfirmation(principal: Principal, transactionId: string): ConfirmationResponse {
    return this.confirmations.start(principal, { transactionId }).body as ConfirmationResponse;
  }

  /** Answers the confirmation's challenge, or asks how it stands (`value` undefined). */
  answerConfirmation(
    principal: Principal,
    refId: string,
    value: string | undefined,
  ): ConfirmationResponse {
    return this.confirmations.answer(principal, refId, value).body as ConfirmationResponse;
  }
}
