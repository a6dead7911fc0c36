import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCms } from "../src/cms/index.js";
import { b64, call, passwordToken, type Running, start } from "./emulator-support.js";

/**
 * Confirmation of operations (guide, §6.2, §6.3.2 item 4, §6.3.3-6.3.5): the policy's demands,
 * one-time passwords right and wrong, the attempt limit, expiry, the asynchronous myDSS mode with
 * approval, refusal and callbacks, and the OAuth route with dss_transaction_token_id.
 */

let run: Running;
let callbacks: unknown[] = [];
let receiver: Server;
let callbackUrl: string;
const api = (path: string) => `${run.url}/SignServer/rest/api${path}`;
const confirmUrl = () => `${run.url}/STS/confirmation`;
const RESOURCE = "https://dss.test/SignServer/rest";
const DOCUMENT = "подписываемый документ";

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => {
      text += c.toString("utf8");
    });
    req.on("end", () => {
      callbacks.push(JSON.parse(text));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callback`;
  run = await start({
    users: [
      { login: "demo", password: "demo" },
      { login: "phone", password: "phone", confirmation: "mydss" },
      { login: "other", password: "other", otp: "999000" },
    ],
    confirmActions: ["SignDocument", "DecryptDocument"],
    maxOtpAttempts: 3,
    transactionLifetimeSeconds: 120,
  });
});

afterAll(async () => {
  await run?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function createTx(token: string, action = "SignDocument"): Promise<string> {
  const a = await call(api("/transactions"), "POST", {
    token,
    body: {
      OperationCode: action,
      Parameters: [
        { Name: "SignatureType", Value: "CMS" },
        { Name: "DocumentInfo", Value: "Договор" },
      ],
      Document: b64(DOCUMENT),
    },
  });
  expect(a.status).toBe(200);
  return JSON.parse(a.text) as string;
}

async function begin(token: string, tx: string, extra: Record<string, unknown> = {}) {
  return call(confirmUrl(), "POST", {
    token,
    body: { Resource: RESOURCE, TransactionTokenId: tx, ...extra },
  });
}

function refOf(a: { json: Record<string, unknown> }): string {
  const challenge = a.json.Challenge as { TextChallenge: { RefID: string }[] };
  return challenge.TextChallenge[0]!.RefID;
}

async function answer(token: string, refId: string, value?: string) {
  return call(confirmUrl(), "POST", {
    token,
    body: {
      Resource: RESOURCE,
      ChallengeResponse: {
        TextChallengeResponse: [{ RefId: refId, ...(value !== undefined ? { Value: value } : {}) }],
      },
    },
  });
}

async function signWith(token: string, body: unknown = {}) {
  return call(api("/documents"), "POST", { token, body });
}

async function until<T>(probe: () => T | undefined, ms = 2000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the policy demands confirmation", () => {
  it("getPolicy lists SignDocument as MfaRequired, encryption not", async () => {
    const token = await passwordToken(run.url, "demo");
    const policy = (await call(api("/policy"), "GET", { token })).json as {
      TransactionConfirmation: number;
      ActionPolicy: { Action: number; MfaRequired: boolean }[];
    };
    expect(policy.TransactionConfirmation).toBe(2);
    expect(policy.ActionPolicy.filter((a) => a.MfaRequired).map((a) => a.Action)).toEqual([2, 8]);
  });

  it("signing with a general-purpose token is refused with the documented 401", async () => {
    const token = await passwordToken(run.url, "demo");
    const a = await signWith(token, { Content: b64("x"), Signature: { Type: 5 } });
    expect(a.status).toBe(401);
    expect(a.json.Message).toBe("Authorization has been denied for this request.");
    expect(a.json.MessageDetail).toMatch(/confirmed/);
    // Operations the policy leaves alone still work.
    expect(
      (await call(api("/documents/hash"), "POST", { token, body: { Content: b64("x") } })).status,
    ).toBe(200);
  });
});

describe("one-time password", () => {
  it("the right code confirms; the token signs the transaction's document once", async () => {
    const token = await passwordToken(run.url, "demo");
    const tx = await createTx(token);
    const first = await begin(token, tx);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ IsFinal: false, IsError: false, TransactionTokenId: tx });
    const challenge = (first.json.Challenge as { TextChallenge: Record<string, unknown>[] })
      .TextChallenge[0]!;
    expect(challenge.AuthnMethod).toBe(
      "http://dss.cryptopro.ru/identity/authenticationmethod/otpviasms",
    );
    expect(challenge.Label).toBe("Подпись документа. Договор. Тип подписи: CMS.");
    // Asking without a value repeats the challenge.
    expect((await answer(token, refOf(first))).json).toMatchObject({
      IsFinal: false,
      IsError: false,
    });
    const done = await answer(token, refOf(first), "123456");
    expect(done.json).toMatchObject({ IsFinal: true, IsError: false });
    const confirmed = done.json.AccessToken as string;
    expect(confirmed).not.toBe(token);
    const signed = await signWith(confirmed);
    expect(signed.status).toBe(200);
    const v = await verifyCms(Buffer.from(JSON.parse(signed.text) as string, "base64"), {
      content: new TextEncoder().encode(DOCUMENT),
    });
    expect(v.valid).toBe(true);
    // The transaction is spent; the token does not sign twice.
    expect(
      (await signWith(confirmed, { Content: b64("more"), Signature: { Type: 5 } })).status,
    ).toBe(401);
    // Nor can the transaction be confirmed again.
    expect((await begin(token, tx)).json).toMatchObject({
      IsError: true,
      Error: "invalid_transaction",
    });
  });

  it("a wrong code is refused (IsFinal false, authentication_failed) and can be retried", async () => {
    const token = await passwordToken(run.url, "demo");
    const first = await begin(token, await createTx(token));
    const wrong = await answer(token, refOf(first), "000000");
    expect(wrong.status).toBe(200);
    expect(wrong.json).toMatchObject({
      IsFinal: false,
      IsError: true,
      Error: "authentication_failed",
    });
    expect(wrong.text).not.toContain("000000");
    expect(wrong.text).not.toContain("123456");
    expect(refOf(wrong)).toBe(refOf(first));
    const right = await answer(token, refOf(first), "123456");
    expect(right.json).toMatchObject({ IsFinal: true, IsError: false });
  });

  it("after the last wrong attempt: max_attempts_exceeded, for good", async () => {
    const token = await passwordToken(run.url, "demo");
    const tx = await createTx(token);
    const ref = refOf(await begin(token, tx));
    expect((await answer(token, ref, "1")).json.IsFinal).toBe(false);
    expect((await answer(token, ref, "2")).json.IsFinal).toBe(false);
    const third = await answer(token, ref, "3");
    expect(third.json).toMatchObject({
      IsFinal: true,
      IsError: true,
      Error: "max_attempts_exceeded",
    });
    expect((await answer(token, ref, "123456")).json).toMatchObject({
      IsFinal: true,
      Error: "max_attempts_exceeded",
    });
    expect((await begin(token, tx)).json.Error).toBe("invalid_transaction");
  });

  it("a user's own code; another user's token cannot see the transaction", async () => {
    const token = await passwordToken(run.url, "other");
    const tx = await createTx(token);
    const demo = await passwordToken(run.url, "demo");
    const foreign = await begin(demo, tx);
    expect([foreign.status, foreign.json.Error]).toEqual([400, "invalid_transaction"]);
    const ref = refOf(await begin(token, tx));
    expect((await answer(demo, ref, "999000")).json.Error).toBe("invalid_transaction");
    expect((await answer(token, ref, "123456")).json.Error).toBe("authentication_failed");
    expect((await answer(token, ref, "999000")).json).toMatchObject({
      IsFinal: true,
      IsError: false,
    });
  });

  it("expiry: a transaction past its lifetime ends with transaction_expired", async () => {
    const token = await passwordToken(run.url, "demo");
    const late = await createTx(token);
    const pending = await createTx(token);
    const ref = refOf(await begin(token, pending));
    run.advance(121);
    try {
      const fresh = await passwordToken(run.url, "demo");
      expect((await begin(fresh, late)).json).toMatchObject({
        IsFinal: true,
        IsError: true,
        Error: "transaction_expired",
      });
      expect((await answer(fresh, ref, "123456")).json).toMatchObject({
        IsFinal: true,
        Error: "transaction_expired",
      });
    } finally {
      run.advance(-121);
    }
  });

  it("a confirmed token is no good once its transaction has expired", async () => {
    const token = await passwordToken(run.url, "demo");
    const tx = await createTx(token);
    const confirmed = (await answer(token, refOf(await begin(token, tx)), "123456")).json
      .AccessToken as string;
    run.advance(150);
    try {
      // The token itself lives 300 s; the transaction only 120 s.
      expect((await signWith(confirmed)).status).toBe(401);
    } finally {
      run.advance(-150);
    }
  });

  it("a token confirmed for signing does not decrypt", async () => {
    const token = await passwordToken(run.url, "demo");
    const tx = await createTx(token);
    const confirmed = (await answer(token, refOf(await begin(token, tx)), "123456")).json
      .AccessToken as string;
    const a = await call(api("/documents/decrypt"), "POST", {
      token: confirmed,
      body: { Content: "AQI=", Decryption: { Type: 1 } },
    });
    expect(a.status).toBe(401);
  });

  it("no token, or an expired one, at the confirmation service: 401 authentication_failed", async () => {
    const a = await call(confirmUrl(), "POST", {
      body: { Resource: RESOURCE, TransactionTokenId: "x" },
    });
    expect([a.status, a.json.Error, a.json.IsFinal]).toEqual([401, "authentication_failed", true]);
    const bad = await call(confirmUrl(), "POST", { token: "t", body: { Resource: 42 } });
    expect([bad.status, bad.json.Error]).toEqual([401, "authentication_failed"]);
    const token = await passwordToken(run.url, "demo");
    const invalid = await call(confirmUrl(), "POST", { token, body: { Resource: 42 } });
    expect([invalid.status, invalid.json.IsError, invalid.json.Error]).toEqual([
      400,
      true,
      "invalid_transaction",
    ]);
    const none = await call(confirmUrl(), "POST", { token, body: { Resource: RESOURCE } });
    expect([none.status, none.json.Error]).toEqual([400, "invalid_transaction"]);
  });
});

describe("myDSS (asynchronous)", () => {
  it("pending until approved; the callback reports success; polling gets the token", async () => {
    callbacks = [];
    const token = await passwordToken(run.url, "phone");
    const tx = await createTx(token);
    const first = await begin(token, tx, { CallbackUri: callbackUrl });
    const challenge = first.json.Challenge as {
      Title: { Value: string };
      TextChallenge: Record<string, unknown>[];
    };
    expect(challenge.TextChallenge[0]!.AuthnMethod).toBe(
      "http://dss.cryptopro.ru/identity/authenticationmethod/mobile",
    );
    const ref = refOf(first);
    expect((await answer(token, ref)).json).toEqual({ IsFinal: false, IsError: false });
    // A second confirmation while this one waits on the phone: transaction_pending.
    const second = await begin(token, await createTx(token));
    expect([second.status, second.json.Error]).toEqual([400, "transaction_pending"]);
    run.dss.approveTransaction(tx);
    const callback = await until(() => callbacks[0]);
    expect(callback).toEqual({ Result: "success", TransactionId: tx, Error: "" });
    const done = await answer(token, ref);
    expect(done.json).toMatchObject({ IsFinal: true, IsError: false });
    expect((await signWith(done.json.AccessToken as string)).status).toBe(200);
    expect(() => run.dss.approveTransaction(tx)).toThrow(/no pending confirmation/);
  });

  it("declined on the phone: authentication_declined, and a failed callback", async () => {
    callbacks = [];
    const token = await passwordToken(run.url, "phone");
    const tx = await createTx(token);
    const ref = refOf(await begin(token, tx, { CallbackUri: callbackUrl }));
    run.dss.declineTransaction(ref);
    expect(await until(() => callbacks[0])).toEqual({
      Result: "failed",
      TransactionId: tx,
      Error: "authentication_declined",
    });
    expect((await answer(token, ref)).json).toMatchObject({
      IsFinal: true,
      IsError: true,
      Error: "authentication_declined",
    });
  });

  it("the QR-code route: the code typed in confirms at once (guide, lines 15756-15776)", async () => {
    const token = await passwordToken(run.url, "phone");
    const ref = refOf(await begin(token, await createTx(token)));
    expect((await answer(token, ref, "123456")).json).toMatchObject({
      IsFinal: true,
      IsError: false,
    });
  });

  it("auto-approval after a delay", async () => {
    const auto = await start({
      users: [{ login: "p", password: "p", confirmation: "mydss", certificate: false }],
      confirmActions: ["SignDocument"],
      autoApproveMs: 30,
    });
    try {
      const token = await passwordToken(auto.url, "p");
      const a = await call(`${auto.url}/SignServer/rest/api/transactions`, "POST", {
        token,
        body: { OperationCode: "SignDocument", Document: b64("x") },
      });
      const tx = JSON.parse(a.text) as string;
      const first = await call(`${auto.url}/STS/confirmation`, "POST", {
        token,
        body: { Resource: RESOURCE, TransactionTokenId: tx },
      });
      const ref = refOf(first);
      let last: Record<string, unknown> = {};
      const end = Date.now() + 2000;
      while (Date.now() < end) {
        last = (
          await call(`${auto.url}/STS/confirmation`, "POST", {
            token,
            body: {
              Resource: RESOURCE,
              ChallengeResponse: { TextChallengeResponse: [{ RefId: ref }] },
            },
          })
        ).json;
        if (last.IsFinal) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(last).toMatchObject({
        IsFinal: true,
        IsError: false,
        AccessToken: expect.any(String),
      });
    } finally {
      await auto.close();
    }
  });
});

describe("the OAuth route (dss_transaction_token_id)", () => {
  const authorize = (query: Record<string, string>) =>
    call(`${run.url}/STS/oauth/authorize?${new URLSearchParams(query)}`, "GET", {
      headers: { authorization: `Basic ${b64("demo:demo")}` },
    });

  it("code flow: the code's token confirms the transaction", async () => {
    const token = await passwordToken(run.url, "demo");
    const tx = await createTx(token);
    const redirect = "urn:ietf:wg:oauth:2.0:oob:auto";
    const a = await authorize({
      client_id: "dss.sample",
      response_type: "code",
      scope: "dss",
      redirect_uri: redirect,
      resource: RESOURCE,
      dss_transaction_token_id: tx,
    });
    expect(a.status).toBe(302);
    const code = new URL(a.headers.get("location")!).searchParams.get("code")!;
    const t = await call(`${run.url}/STS/oauth/token`, "POST", {
      form: {
        grant_type: "authorization_code",
        code,
        redirect_uri: redirect,
        client_id: "dss.sample",
      },
    });
    expect(t.json.expires_in).toBe(300);
    const signed = await signWith(t.json.access_token as string);
    expect(signed.status).toBe(200);
    // An unknown or spent transaction goes back with error=invalid_transaction.
    const again = await authorize({
      client_id: "dss.sample",
      response_type: "code",
      scope: "dss",
      redirect_uri: redirect,
      dss_transaction_token_id: tx,
    });
    expect(new URL(again.headers.get("location")!).searchParams.get("error")).toBe(
      "invalid_transaction",
    );
  });

  it("implicit flow: the form-post page with hidden fields, its token confirming the transaction", async () => {
    const token = await passwordToken(run.url, "demo");
    const tx = await createTx(token);
    const a = await authorize({
      client_id: "dss.sample",
      response_type: "token",
      scope: "offline_access dss",
      redirect_uri: "http://localhost/wpf.hybrid",
      dss_transaction_token_id: tx,
    });
    expect(a.status).toBe(200);
    expect(a.headers.get("content-type")).toMatch(/^text\/html/);
    expect(a.text).toContain('<form method="post" action="http://localhost/wpf.hybrid">');
    const field = (name: string) =>
      new RegExp(`<input type="hidden" name="${name}" value="([^"]*)" />`).exec(a.text)?.[1];
    expect(field("token_type")).toBe("Bearer");
    expect(field("expires_in")).toBe("300");
    expect(field("scope")).toBe("offline_access dss");
    expect((await signWith(field("access_token")!)).status).toBe(200);
  });
});

describe("global policy On", () => {
  it("every action with a private key needs confirmation, deleting a certificate too", async () => {
    const on = await start({ users: [{ login: "u", password: "u" }], confirmation: "On" });
    try {
      const token = await passwordToken(on.url, "u");
      const base = `${on.url}/SignServer/rest/api`;
      const policy = await call(`${base}/policy`, "GET", { token });
      expect(policy.json.TransactionConfirmation).toBe(0);
      const id = on.dss.state.certificatesOf("u")[0]!.id;
      expect((await call(`${base}/certificates/${id}`, "DELETE", { token })).status).toBe(401);
      const tx = await call(`${base}/transactions`, "POST", {
        token,
        body: {
          OperationCode: "DeleteCertificate",
          Parameters: [{ Name: "CertificateID", Value: String(id) }],
        },
      });
      const confirmed = on.dss.issueAccessToken("u", {
        transactionId: JSON.parse(tx.text) as string,
      });
      // Issued, but the transaction is not confirmed yet.
      expect(
        (await call(`${base}/certificates/${id}`, "DELETE", { token: confirmed })).status,
      ).toBe(401);
      const ref = refOf(
        await call(`${on.url}/STS/confirmation`, "POST", {
          token,
          body: { Resource: RESOURCE, TransactionTokenId: JSON.parse(tx.text) as string },
        }),
      );
      on.dss.approveTransaction(ref);
      const viaConfirm = on.dss.state.confirmations.get(ref)!.accessToken!;
      expect(
        (await call(`${base}/certificates/${id}`, "DELETE", { token: viaConfirm })).status,
      ).toBe(200);
      expect((await call(`${base}/certificates/${id}`, "GET", { token })).status).toBe(404);
    } finally {
      await on.close();
    }
  });
});
