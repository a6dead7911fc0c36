import { AbortError } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import {
  CallbackReceiver,
  type ChallengeContext,
  ConfirmationFailedError,
  type ConfirmationState,
  confirmAndCall,
  confirmTransaction,
  interpretConfirmationResponse,
  isTransactionCallback,
  resumePolling,
  startOAuthConfirmation,
  withConfirmedToken,
} from "../src/confirmation/index.js";
import { signDocument } from "../src/generated/signserver/client.gen.js";
import type { Transaction } from "../src/generated/signserver/types.gen.js";
import type { ConfirmContext, ConfirmReply } from "../src/generated/sts/server.gen.js";
import type {
  ConfirmationResponse,
  InteractiveChallenge,
  RequestConfirmation,
} from "../src/generated/sts/types.gen.js";
import { startSign, startSts, tick } from "./flows-support.js";

const TX = "b08d8043-a029-461e-b063-ca9d0d9ca396";
const REF = "14949057";
const RESOURCE = "https://dss.example/SignServer/rest";
const USER_TOKEN = "user-general-token";
const CONFIRMED = "confirmed-operation-token";
const OTP = "049609";

const transaction: Transaction = {
  OperationCode: "SignDocument",
  Document: "AQID",
  Parameters: [
    { Name: "SignatureType", Value: "CMS" },
    { Name: "CertificateID", Value: "6444" },
    { Name: "DocumentInfo", Value: "Sigma" },
  ],
};

/** The guide's SIM-applet challenge (lines 14568-14580). */
const challenge: InteractiveChallenge = {
  Title: { Value: "Подтвердите операцию на телефоне" },
  TextChallenge: [
    {
      AuthnMethod: "http://dss.cryptopro.ru/identity/authenticationmethod/simauth",
      RefID: REF,
      Label: "Подпись документа. Тестовая подпись 1497854248.",
      MaxLenSpecified: false,
      HideTextSpecified: false,
    },
  ],
  ContextData: { RefID: REF },
};

const started: ConfirmationResponse = { Challenge: challenge, IsFinal: false, IsError: false };
const done: ConfirmationResponse = { AccessToken: CONFIRMED, IsFinal: true, IsError: false };
const failed = (error: string, IsFinal = true): ConfirmationResponse => ({
  IsFinal,
  IsError: true,
  Error: error,
  ErrorDescription: `description of ${error}`,
});

/**
 * Serves both services: the Signature Service creates transaction TX; the identity centre answers
 * each /confirmation request with `script(body, index)`. Records requests and their credentials.
 */
async function services(
  script: (body: RequestConfirmation, index: number) => ConfirmReply | ConfirmationResponse,
) {
  const requests: RequestConfirmation[] = [];
  const credentials: (string | undefined)[] = [];
  const signCalls: { operation: string; authorization: string | undefined; body: unknown }[] = [];
  const sts = await startSts({
    confirm: (ctx: ConfirmContext) => {
      requests.push(ctx.body);
      credentials.push(ctx.request.headers.authorization);
      const reply = script(ctx.body, requests.length - 1);
      return "status" in reply ? reply : { status: 200, body: reply };
    },
    token: (ctx) => ({
      status: 200,
      body: { access_token: `exchanged-${(ctx.body as { code: string }).code}`, expires_in: 300 },
    }),
  });
  const sign = await startSign({
    createTransaction: (ctx) => {
      signCalls.push({
        operation: "createTransaction",
        authorization: ctx.request.headers.authorization,
        body: ctx.body,
      });
      return { status: 200, body: TX };
    },
    signDocument: (ctx) => {
      signCalls.push({
        operation: "signDocument",
        authorization: ctx.request.headers.authorization,
        body: ctx.body,
      });
      return { status: 200, body: "MIIsigned" };
    },
  });
  return { sts, sign, requests, credentials, signCalls };
}

describe("confirmation by challenge and response", () => {
  it("creates the transaction, asks for the one-time password, and ends confirmed", async () => {
    const env = await services((_body, i) => (i === 0 ? started : done));
    const states: ConfirmationState["state"][] = [];
    const asked: { challenge: InteractiveChallenge; context: ChallengeContext }[] = [];
    const outcome = await confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      userToken: USER_TOKEN,
      transaction,
      resource: RESOURCE,
      method: {
        kind: "challenge",
        answer: async (c, context) => {
          asked.push({ challenge: c, context });
          return OTP;
        },
      },
      onState: (s) => states.push(s.state),
    });
    expect(outcome).toEqual({
      status: "confirmed",
      transactionId: TX,
      refId: REF,
      accessToken: CONFIRMED,
    });
    expect(env.signCalls).toEqual([
      { operation: "createTransaction", authorization: `Bearer ${USER_TOKEN}`, body: transaction },
    ]);
    expect(env.requests).toEqual([
      { TransactionTokenId: TX, Resource: RESOURCE },
      {
        Resource: RESOURCE,
        ChallengeResponse: { TextChallengeResponse: [{ RefId: REF, Value: OTP }] },
      },
    ]);
    expect(env.credentials).toEqual([`Bearer ${USER_TOKEN}`, `Bearer ${USER_TOKEN}`]);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.challenge.Title?.Value).toBe("Подтвердите операцию на телефоне");
    expect(asked[0]!.challenge.TextChallenge[0]!.Label).toContain("Подпись документа");
    expect(asked[0]!.context.attempt).toBe(1);
    expect(asked[0]!.context.previousError).toBeUndefined();
    expect(states).toEqual([
      "creatingTransaction",
      "starting",
      "awaitingAnswer",
      "submittingAnswer",
      "done",
    ]);
  });

  it("asks again after a wrong one-time password, then ends confirmed", async () => {
    const env = await services((body, i) => {
      if (i === 0) return started;
      const value = body.ChallengeResponse?.TextChallengeResponse[0]?.Value;
      return value === OTP
        ? done
        : { ...failed("authentication_failed", false), Challenge: challenge };
    });
    const contexts: ChallengeContext[] = [];
    const outcome = await confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      resource: RESOURCE,
      method: {
        kind: "challenge",
        answer: async (_c, context) => {
          contexts.push(context);
          return context.attempt === 1 ? "000000" : OTP;
        },
      },
    });
    expect(outcome.status).toBe("confirmed");
    expect(contexts.map((c) => [c.attempt, c.previousError])).toEqual([
      [1, undefined],
      [2, "authentication_failed"],
    ]);
    expect(contexts[1]!.previousErrorDescription).toBe("description of authentication_failed");
    // An existing transaction id: nothing created.
    expect(env.signCalls).toEqual([]);
    expect(env.requests[0]).toEqual({ TransactionTokenId: TX, Resource: RESOURCE });
  });

  it("ends maxAttempts when the identity centre stops accepting answers", async () => {
    const env = await services((_body, i) =>
      i === 0
        ? started
        : i < 3
          ? failed("authentication_failed", false)
          : failed("max_attempts_exceeded"),
    );
    let answers = 0;
    const outcome = await confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction,
      resource: RESOURCE,
      method: { kind: "challenge", answer: async () => `wrong-${++answers}` },
    });
    expect(outcome).toEqual({
      status: "maxAttempts",
      transactionId: TX,
      refId: REF,
      error: "max_attempts_exceeded",
      description: "description of max_attempts_exceeded",
      attempts: 3,
      limitedBy: "server",
    });
    expect(answers).toBe(3);
  });

  it("stops at its own cap when the server never ends the exchange", async () => {
    const env = await services((_body, i) =>
      i === 0 ? started : failed("authentication_failed", false),
    );
    let answers = 0;
    const outcome = await confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      resource: RESOURCE,
      method: { kind: "challenge", maxAnswers: 2, answer: async () => `wrong-${++answers}` },
    });
    expect(outcome).toMatchObject({ status: "maxAttempts", attempts: 2, limitedBy: "client" });
    expect(answers).toBe(2);
    expect(env.requests).toHaveLength(3);
  });

  it("ends expired when the transaction ran out, also from an HTTP error answer", async () => {
    const env = await services((_body, i) =>
      i === 0 ? started : { status: 400, body: failed("transaction_expired") },
    );
    const outcome = await confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      resource: RESOURCE,
      method: { kind: "challenge", answer: async () => OTP },
    });
    expect(outcome).toEqual({
      status: "expired",
      transactionId: TX,
      refId: REF,
      error: "transaction_expired",
      description: "description of transaction_expired",
    });
  });

  it("ends error for an unknown transaction, with the Table 102 identifier", async () => {
    const env = await services(() => failed("invalid_transaction"));
    const outcome = await confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: "no-such-transaction" },
      resource: RESOURCE,
      method: { kind: "challenge", answer: async () => OTP },
    });
    expect(outcome).toMatchObject({ status: "error", error: "invalid_transaction" });
  });

  it("rejects with AbortError when cancelled while the user is typing", async () => {
    const env = await services(() => started);
    const controller = new AbortController();
    let seenSignal: AbortSignal | undefined;
    const running = confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      resource: RESOURCE,
      signal: controller.signal,
      method: {
        kind: "challenge",
        answer: (_c, context) => {
          seenSignal = context.signal;
          return new Promise(() => {}); // the user never answers
        },
      },
    });
    while (seenSignal === undefined) await tick(2);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(seenSignal.aborted).toBe(true);
    expect(env.requests).toHaveLength(1);
  });
});

describe("confirmation by polling (myDSS)", () => {
  it("repeats the request without a value until the answer is final", async () => {
    // The myDSS answers of the guide: a challenge, then "still pending" until confirmed.
    const env = await services((_body, i) =>
      i === 0 ? started : i < 3 ? { IsFinal: false, IsError: false } : done,
    );
    const delays: number[] = [];
    const outcome = await confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      resource: RESOURCE,
      method: { kind: "poll", initialDelayMs: 2, factor: 2, maxDelayMs: 50 },
      onState: (s) => {
        if (s.state === "polling") delays.push(s.delayMs);
      },
    });
    expect(outcome).toEqual({
      status: "confirmed",
      transactionId: TX,
      refId: REF,
      accessToken: CONFIRMED,
    });
    expect(delays).toEqual([2, 4, 8]);
    expect(env.requests.slice(1)).toEqual(
      Array.from({ length: 3 }, () => ({
        Resource: RESOURCE,
        ChallengeResponse: { TextChallengeResponse: [{ RefId: REF }] },
      })),
    );
  });

  it("gives up with pending after the wait allowed, backing off exponentially", async () => {
    const env = await services((_body, i) =>
      i === 0 ? started : { IsFinal: false, IsError: false },
    );
    const delays: number[] = [];
    const outcome = await confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      resource: RESOURCE,
      method: { kind: "poll", initialDelayMs: 4, factor: 2, maxDelayMs: 16, maxWaitMs: 50 },
      onState: (s) => {
        if (s.state === "polling") delays.push(s.delayMs);
      },
    });
    expect(delays).toEqual([4, 8, 16, 16, 6]);
    expect(outcome).toEqual({
      status: "pending",
      transactionId: TX,
      refId: REF,
      polls: 5,
      waitedMs: 50,
    });
    expect(env.requests).toHaveLength(6);
  });

  it("ends declined when the user refuses on the phone", async () => {
    const env = await services((_body, i) =>
      i === 0 ? started : failed("authentication_declined"),
    );
    const outcome = await confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      resource: RESOURCE,
      method: { kind: "poll", initialDelayMs: 1 },
    });
    expect(outcome).toMatchObject({
      status: "declined",
      error: "authentication_declined",
      refId: REF,
    });
  });

  it("rejects with AbortError when cancelled in the middle of a wait", async () => {
    const env = await services((_body, i) =>
      i === 0 ? started : { IsFinal: false, IsError: false },
    );
    const controller = new AbortController();
    const began = Date.now();
    const running = confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      resource: RESOURCE,
      signal: controller.signal,
      method: { kind: "poll", initialDelayMs: 60_000 },
      onState: (s) => {
        if (s.state === "polling") setTimeout(() => controller.abort(), 10);
      },
    });
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(env.requests).toHaveLength(1);
  });

  it("resumes polling a confirmation that was left pending", async () => {
    const env = await services((body) => {
      expect(body.ChallengeResponse?.TextChallengeResponse).toEqual([{ RefId: REF }]);
      return done;
    });
    const outcome = await resumePolling({
      sts: env.sts,
      userToken: USER_TOKEN,
      resource: RESOURCE,
      transactionId: TX,
      refId: REF,
      polling: { initialDelayMs: 1 },
    });
    expect(outcome.status).toBe("confirmed");
    expect(env.credentials).toEqual([`Bearer ${USER_TOKEN}`]);
  });
});

describe("confirmation by transaction callback", () => {
  it("sends CallbackUri, waits for the callback, then fetches the token", async () => {
    const env = await services((_body, i) => (i === 0 ? started : done));
    const receiver = new CallbackReceiver();
    const running = confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction,
      resource: RESOURCE,
      method: { kind: "callback", receiver, callbackUri: "https://app.example/dss-callback" },
      onState: (s) => {
        if (s.state === "awaitingCallback") {
          // The identity centre's POST, as the application's endpoint receives it.
          setTimeout(() => {
            void receiver.handle(
              new Request("https://app.example/dss-callback", {
                method: "POST",
                body: JSON.stringify({ Result: "success", TransactionId: TX, Error: "" }),
              }),
            );
          }, 5);
        }
      },
    });
    const outcome = await running;
    expect(outcome).toEqual({
      status: "confirmed",
      transactionId: TX,
      refId: REF,
      accessToken: CONFIRMED,
    });
    expect(env.requests[0]).toEqual({
      TransactionTokenId: TX,
      Resource: RESOURCE,
      CallbackUri: "https://app.example/dss-callback",
    });
    expect(env.requests[1]).toEqual({
      Resource: RESOURCE,
      ChallengeResponse: { TextChallengeResponse: [{ RefId: REF }] },
    });
    expect(receiver.waiting).toBe(0);
  });

  it("maps a failed callback to its outcome, matching by the RefID too, even when it came early", async () => {
    const env = await services(() => started);
    const receiver = new CallbackReceiver();
    expect(
      receiver.deliver({ Result: "failed", TransactionId: REF, Error: "authentication_declined" }),
    ).toBe(true);
    const outcome = await confirmTransaction({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      resource: RESOURCE,
      method: { kind: "callback", receiver, callbackUri: "https://app.example/cb" },
    });
    expect(outcome).toEqual({
      status: "declined",
      transactionId: TX,
      refId: REF,
      error: "authentication_declined",
    });
    expect(env.requests).toHaveLength(1);
  });

  it("ends pending when no callback comes in time, and can be aborted while waiting", async () => {
    const env = await services(() => started);
    const receiver = new CallbackReceiver();
    const options = {
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      resource: RESOURCE,
      method: {
        kind: "callback" as const,
        receiver,
        callbackUri: "https://app.example/cb",
        timeoutMs: 20,
      },
    };
    expect(await confirmTransaction(options)).toMatchObject({ status: "pending", waitedMs: 20 });
    const controller = new AbortController();
    const running = confirmTransaction({
      ...options,
      method: { ...options.method, timeoutMs: 60_000 },
      signal: controller.signal,
    });
    while (receiver.waiting === 0) await tick(2);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(receiver.waiting).toBe(0);
  });

  it("refuses bodies that are not TransactionCallbacks", async () => {
    const receiver = new CallbackReceiver();
    expect(isTransactionCallback({ Result: "success", TransactionId: TX, Error: "" })).toBe(true);
    expect(receiver.deliver({ Result: "ok", TransactionId: TX })).toBe(false);
    expect(receiver.deliver({ Result: "success" })).toBe(false);
    const bad = await receiver.handle(
      new Request("https://a/cb", { method: "POST", body: "not json" }),
    );
    expect(bad.status).toBe(400);
    const get = await receiver.handle(new Request("https://a/cb"));
    expect(get.status).toBe(405);
  });
});

describe("confirmation by the OAuth route", () => {
  it("builds the authorize URL with dss_transaction_token_id and exchanges the returned code", async () => {
    const env = await services(() => done);
    const states: string[] = [];
    const flow = await startOAuthConfirmation({
      sign: env.sign,
      sts: env.sts,
      userToken: USER_TOKEN,
      transaction,
      client: { clientId: "dss.sample" },
      redirectUri: "urn:ietf:wg:oauth:2.0:oob:auto",
      resource: RESOURCE,
      onState: (s) => states.push(s.state),
    });
    expect(flow.transactionId).toBe(TX);
    expect(flow.url.pathname).toBe("/oauth/authorize");
    expect(flow.url.searchParams.get("dss_transaction_token_id")).toBe(TX);
    expect(flow.url.searchParams.get("state")).toBe(flow.state);
    const outcome = await flow.complete(
      `urn:ietf:wg:oauth:2.0:oob:auto?code=bea6a6f9&state=${flow.state}`,
    );
    expect(outcome).toEqual({
      status: "confirmed",
      transactionId: TX,
      accessToken: "exchanged-bea6a6f9",
    });
    expect(await flow.complete("ignored")).toBe(outcome);
    expect(states).toEqual(["creatingTransaction", "awaitingRedirect", "exchangingCode", "done"]);
    expect(env.signCalls[0]!.authorization).toBe(`Bearer ${USER_TOKEN}`);
  });

  it("turns a refusal in the redirect into a declined outcome", async () => {
    const env = await services(() => done);
    const flow = await startOAuthConfirmation({
      sign: env.sign,
      sts: env.sts,
      transaction: { id: TX },
      client: { clientId: "dss.sample" },
      redirectUri: "https://app.example/cb",
    });
    const outcome = await flow.complete(
      `https://app.example/cb#error=access_denied&state=${flow.state}`,
    );
    expect(outcome).toMatchObject({ status: "declined", error: "access_denied" });
  });
});

describe("calling the operation with the confirmed token", () => {
  it("signs with the confirmed token, not the general one", async () => {
    const env = await services((_body, i) => (i === 0 ? started : done));
    const signature = await confirmAndCall(
      {
        sign: env.sign,
        sts: env.sts,
        userToken: USER_TOKEN,
        transaction,
        resource: RESOURCE,
        method: { kind: "challenge", answer: async () => OTP },
      },
      (client) =>
        signDocument(client, {
          body: {
            Content: null,
            Name: "Sigma",
            Signature: { Type: 5, CertificateId: 6444, PinCode: "" },
          },
        }),
    );
    expect(signature.data).toBe("MIIsigned");
    expect(env.signCalls.map((c) => [c.operation, c.authorization])).toEqual([
      ["createTransaction", `Bearer ${USER_TOKEN}`],
      ["signDocument", `Bearer ${CONFIRMED}`],
    ]);
  });

  it("refuses to call without a confirmation, naming the outcome", async () => {
    const env = await services(() => done);
    let called = false;
    const error = await withConfirmedToken(
      env.sign,
      { status: "expired", transactionId: TX, error: "transaction_expired" },
      async () => {
        called = true;
      },
    ).catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(error).toBeInstanceOf(ConfirmationFailedError);
    expect((error as ConfirmationFailedError).message).toContain("expired");
    expect((error as ConfirmationFailedError).outcome.status).toBe("expired");
  });
});

describe("the transition function", () => {
  const ctx = { transactionId: TX, attempts: 1 };
  it("reads each documented answer", () => {
    expect(interpretConfirmationResponse(started, ctx)).toEqual({
      next: "continue",
      refId: REF,
      challenge,
    });
    expect(interpretConfirmationResponse(done, { ...ctx, refId: REF })).toEqual({
      next: "finish",
      outcome: { status: "confirmed", transactionId: TX, refId: REF, accessToken: CONFIRMED },
    });
    expect(interpretConfirmationResponse({ IsFinal: true, IsError: false }, ctx)).toMatchObject({
      next: "finish",
      outcome: { status: "error", error: "missing_access_token" },
    });
    expect(interpretConfirmationResponse({ IsFinal: false, IsError: false }, ctx)).toMatchObject({
      next: "finish",
      outcome: { status: "error", error: "missing_challenge" },
    });
    expect(interpretConfirmationResponse(failed("transaction_pending"), ctx)).toMatchObject({
      outcome: { status: "error", error: "transaction_pending" },
    });
    expect(
      interpretConfirmationResponse(failed("internal_error", false), { ...ctx, refId: REF }),
    ).toMatchObject({
      outcome: { status: "error", error: "internal_error" },
    });
    expect(
      interpretConfirmationResponse(failed("authentication_failed", false), { ...ctx, refId: REF }),
    ).toMatchObject({
      next: "continue",
      refusal: { error: "authentication_failed" },
    });
    expect(interpretConfirmationResponse(failed("authentication_failed"), ctx)).toMatchObject({
      outcome: { status: "error", error: "authentication_failed" },
    });
  });
});
