import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createCertificateRequest,
  createTestCa,
  encryptCms,
  issueCertificate,
  type KeyAndCertificate,
  signCms,
} from "@trustspec/cms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BackpostOutcome,
  backpostUrl,
  createBackpostHandler,
  createBackpostToken,
  type DssFormKind,
  toBase64,
} from "../src/index.js";
import { type BackpostListenerOptions, createBackpostListener } from "../src/node.js";
import { cmsVerifier } from "../src/verify.js";

/**
 * The backpost receiver over real HTTP on 127.0.0.1: DSS's posts (made here as DSS would make
 * them, with real CMS from @trustspec/cms) reach the application's `onOutcome` only with a valid
 * session token, within the limits, in the result shape of the token's form.
 */
const secret = "receiver-test-secret-of-more-than-32-bytes";
const session = "session-of-anna";
const content = new TextEncoder().encode("Договор поставки №7");

let ca: KeyAndCertificate;
let otherCa: KeyAndCertificate;
let signer: { certificate: Uint8Array; privateKey: CryptoKey };
let attached: Uint8Array;
let detached: Uint8Array;

interface Receiver {
  url: string;
  outcomes: BackpostOutcome[];
  errors: unknown[];
  close: () => Promise<void>;
}
const receivers: Receiver[] = [];

async function receiver(options: Partial<BackpostListenerOptions> = {}): Promise<Receiver> {
  const outcomes: BackpostOutcome[] = [];
  const errors: unknown[] = [];
  const server: Server = createServer(
    createBackpostListener({
      secret,
      // The session cookie, as an application with `SameSite=None; Secure` cookies gets it.
      sessionId: (request) =>
        /(?:^|;\s*)sid=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1],
      onOutcome: (outcome) => {
        outcomes.push(outcome);
        return new Response(`received ${outcome.kind} ${outcome.result}`, { status: 200 });
      },
      onError: (error) => errors.push(error),
      ...options,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const r: Receiver = {
    url: `http://127.0.0.1:${port}/dss/back`,
    outcomes,
    errors,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  receivers.push(r);
  return r;
}

async function backpost(r: Receiver, kind: DssFormKind, sessionId = session): Promise<string> {
  return backpostUrl(r.url, await createBackpostToken({ secret, sessionId, kind }));
}

/** What DSS's auto-submitting form makes the browser post. */
function post(url: string, fields: [string, string][], headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: `sid=${session}`,
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

beforeAll(async () => {
  ca = await createTestCa({ commonName: "CN=Test DSS CA" });
  otherCa = await createTestCa({ commonName: "CN=Another CA" });
  const issued = await issueCertificate(ca, { subject: "CN=Анна Петрова" });
  signer = { certificate: issued.certificate, privateKey: issued.privateKey! };
  attached = await signCms(content, signer, { detached: false });
  detached = await signCms(content, signer);
}, 60_000);

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

describe("backpost receiver over HTTP: every result shape", () => {
  it("§1.2: a signed file, its CMS verified against the trusted CA", async () => {
    const r = await receiver({ verify: cmsVerifier({ trusted: [ca.certificate] }) });
    const response = await post(await backpost(r, "signFile"), [
      ["filename", "dogovor.txt.sig"],
      ["filecontent", toBase64(attached)],
    ]);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("received signFile signed");
    const [outcome] = r.outcomes;
    expect(outcome).toMatchObject({
      kind: "signFile",
      result: "signed",
      file: { name: "dogovor.txt.sig", content: attached },
    });
    expect(
      outcome?.kind === "signFile" && outcome.result === "signed" && outcome.verification,
    ).toEqual({
      valid: true,
      signerCertificate: signer.certificate,
    });
  });

  it("§1.2: a detached signature, verified with the document the application sent", async () => {
    const r = await receiver({ verify: cmsVerifier({ content: () => content }) });
    const response = await post(await backpost(r, "signFile"), [
      ["filename", "a.sig"],
      ["filecontent", toBase64(detached)],
    ]);
    expect(response.status).toBe(200);
    expect(r.outcomes[0]).toMatchObject({ verification: { valid: true } });
  });

  it("one receiver for every form: the detached content found by the token's nonce, the claims in onOutcome", async () => {
    // What the application remembers of each form it sent, by the token's nonce.
    const sent = new Map<string, Uint8Array>();
    const other = new TextEncoder().encode("another document");
    const seen: { nonce: string; sessionId: string }[] = [];
    const r = await receiver({
      verify: cmsVerifier({
        content: ({ claims }) => (claims ? sent.get(claims.nonce) : undefined),
      }),
      onOutcome: (outcome, _request, { claims, sessionId }) => {
        seen.push({ nonce: claims.nonce, sessionId });
        return new Response(`received ${outcome.kind} ${outcome.result}`);
      },
    });
    const url = async (document: Uint8Array) => {
      const token = await createBackpostToken({ secret, sessionId: session, kind: "signFile" });
      sent.set(token.split(".")[3]!, document);
      return { url: backpostUrl(r.url, token), nonce: token.split(".")[3]! };
    };
    const right = await url(content);
    const ok = await post(right.url, [
      ["filename", "a.sig"],
      ["filecontent", toBase64(detached)],
    ]);
    expect(ok.status).toBe(200);
    expect(seen).toEqual([{ nonce: right.nonce, sessionId: session }]);
    // The same signature returned for a form that sent another document does not verify.
    const wrong = await url(other);
    const refused = await post(wrong.url, [
      ["filename", "a.sig"],
      ["filecontent", toBase64(detached)],
    ]);
    expect(refused.status).toBe(422);
    expect(seen).toHaveLength(1);
  });

  it("§1.2: a signature from a CA the application does not trust is refused (422), nothing delivered", async () => {
    const r = await receiver({ verify: cmsVerifier({ trusted: [otherCa.certificate] }) });
    const response = await post(await backpost(r, "signFile"), [
      ["filename", "a"],
      ["filecontent", toBase64(attached)],
    ]);
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("does not verify");
    expect(r.outcomes).toEqual([]);
  });

  it("§1.2: bytes that are not CMS do not verify, and with refuseInvalidSignatures: false they are delivered as such", async () => {
    const r = await receiver({ verify: cmsVerifier(), refuseInvalidSignatures: false });
    const response = await post(await backpost(r, "signFile"), [
      ["filename", "a"],
      ["filecontent", toBase64(content)],
    ]);
    expect(response.status).toBe(200);
    expect(r.outcomes[0]).toMatchObject({
      verification: { valid: false, reason: "The returned document is not a CMS SignedData" },
    });
  });

  it("§1.4: a package signed in part: each document's result or error, the signed one verified", async () => {
    const r = await receiver({ verify: cmsVerifier({ trusted: [ca.certificate] }) });
    const response = await post(await backpost(r, "signFiles"), [
      ["result0", toBase64(attached)],
      ["error0", ""],
      ["result1", ""],
      ["error1", "Ошибка при подписи - неверный формат"],
    ]);
    expect(response.status).toBe(200);
    expect(r.outcomes[0]).toMatchObject({
      kind: "signFiles",
      complete: false,
      documents: [
        { index: 0, signed: attached, verification: { valid: true } },
        { index: 1, error: "Ошибка при подписи - неверный формат" },
      ],
    });
  });

  it("§1.6: the PKCS#10 certificate request", async () => {
    const r = await receiver();
    const { request } = await createCertificateRequest({
      subject: "CN=Иванов Иван Иванович, O=КРИПТО-ПРО Банк",
    });
    const response = await post(await backpost(r, "certificateRequest"), [
      ["reqcontent", toBase64(request)],
    ]);
    expect(response.status).toBe(200);
    expect(r.outcomes[0]).toEqual({ kind: "certificateRequest", result: "request", request });
  });

  it("§1.7: the browser's return after the installation, whether DSS adds ?result=ok or &result=ok", async () => {
    const r = await receiver();
    const url = await backpost(r, "installCertificate");
    const first = await fetch(`${url}&result=ok`, { headers: { cookie: `sid=${session}` } });
    const second = await fetch(`${url}?result=ok`, { headers: { cookie: `sid=${session}` } });
    const third = await fetch(url, { headers: { cookie: `sid=${session}` } });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(r.outcomes.map((o) => o.result)).toEqual(["installed", "installed", "not-installed"]);
  });

  it("§1.8, §1.9: the encrypted and the decrypted file", async () => {
    const r = await receiver();
    const enveloped = await encryptCms(content, [signer.certificate]);
    expect(
      (
        await post(await backpost(r, "encryptFile"), [
          ["filename", "a.p7m"],
          ["filecontent", toBase64(enveloped)],
        ])
      ).status,
    ).toBe(200);
    expect(
      (
        await post(await backpost(r, "decryptFile"), [
          ["filename", "a.txt"],
          ["filecontent", toBase64(content)],
        ])
      ).status,
    ).toBe(200);
    expect(r.outcomes).toMatchObject([
      { kind: "encryptFile", result: "encrypted", file: { name: "a.p7m", content: enveloped } },
      { kind: "decryptFile", result: "decrypted", file: { name: "a.txt", content } },
    ]);
  });

  it("passes the application's answer through, every Set-Cookie header included", async () => {
    const r = await receiver({
      onOutcome: () => {
        const headers = new Headers({
          "content-type": "text/html; charset=utf-8",
          location: "/done",
        });
        headers.append("set-cookie", "a=1; Path=/");
        headers.append("set-cookie", "b=2; Path=/");
        return new Response("<p>Готово</p>", { status: 201, headers });
      },
    });
    const response = await post(
      await backpost(r, "signFile"),
      [
        ["filename", "a"],
        ["filecontent", "AAAA"],
      ],
      {},
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe("/done");
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
  });

  it("§1.10: the error post", async () => {
    const r = await receiver();
    expect(
      (await post(await backpost(r, "signFile"), [["error", "Операция отменена пользователем"]]))
        .status,
    ).toBe(200);
    expect(r.outcomes).toEqual([
      { kind: "signFile", result: "error", message: "Операция отменена пользователем" },
    ]);
  });
});

describe("backpost receiver over HTTP: a session found by the token's nonce", () => {
  it("delivers DSS's cross-site post that carries no cookie (SameSite=Lax), finding the session in a store of pending forms", async () => {
    const pending = new Map<string, string>(); // nonce -> session id, written when the form is made
    const r = await receiver({ sessionId: (_request, { nonce }) => pending.get(nonce) });
    const token = await createBackpostToken({ secret, sessionId: session, kind: "signFile" });
    pending.set(token.split(".")[3]!, session);
    const url = backpostUrl(r.url, token);
    const fields: [string, string][] = [
      ["filename", "a"],
      ["filecontent", "AAAA"],
    ];
    expect((await post(url, fields, { cookie: "" })).status).toBe(200);
    // A token whose nonce the store does not hold, or holds for another session, is refused.
    const stranger = await createBackpostToken({
      secret,
      sessionId: "session-of-mallory",
      kind: "signFile",
    });
    expect((await post(backpostUrl(r.url, stranger), fields, { cookie: "" })).status).toBe(403);
    pending.set(stranger.split(".")[3]!, session);
    expect((await post(backpostUrl(r.url, stranger), fields, { cookie: "" })).status).toBe(403);
    expect(r.outcomes).toHaveLength(1);
  });
});

describe("backpost receiver over HTTP: what it refuses", () => {
  const file: [string, string][] = [
    ["filename", "a"],
    ["filecontent", "AAAA"],
  ];

  it("a forged post: no token, a token of another session, a token with its kind changed, another cookie, no cookie", async () => {
    const r = await receiver();
    const forOther = await backpost(r, "signFile", "session-of-mallory");
    const own = new URL(await backpost(r, "signFile"));
    const parts = own.searchParams.get("dss_state")!.split(".");
    own.searchParams.set("dss_state", [parts[0], "encryptFile", ...parts.slice(2)].join("."));
    const statuses = [
      (await post(r.url, file)).status,
      (await post(forOther, file)).status,
      (await post(own.href, file)).status,
      (await post(await backpost(r, "signFile"), file, { cookie: "sid=session-of-mallory" }))
        .status,
      (await post(await backpost(r, "signFile"), file, { cookie: "" })).status,
    ];
    expect(statuses).toEqual([403, 403, 403, 403, 403]);
    expect(r.outcomes).toEqual([]);
  });

  it("an expired token", async () => {
    const r = await receiver();
    const token = await createBackpostToken({
      secret,
      sessionId: session,
      kind: "signFile",
      ttlSeconds: 1,
      now: () => Date.now() - 5000,
    });
    const response = await post(backpostUrl(r.url, token), file);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("expired");
  });

  it("a token used a second time, when the application allows one use", async () => {
    const seen = new Set<string>();
    const r = await receiver({
      consumeToken: ({ nonce }) => !seen.has(nonce) && Boolean(seen.add(nonce)),
    });
    const url = await backpost(r, "signFile");
    expect((await post(url, file)).status).toBe(200);
    expect((await post(url, file)).status).toBe(403);
    expect(r.outcomes).toHaveLength(1);
  });

  it("a post larger than the limit (413), by Content-Length and while streaming", async () => {
    const r = await receiver({ maxBodyBytes: 1000 });
    const big: [string, string][] = [
      ["filename", "a"],
      ["filecontent", "A".repeat(2000)],
    ];
    expect((await post(await backpost(r, "signFile"), big)).status).toBe(413);
    const handler = createBackpostHandler({
      secret,
      sessionId: () => session,
      onOutcome: () => new Response("delivered"),
      maxBodyBytes: 1000,
    });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++)
          controller.enqueue(new TextEncoder().encode(`x${"A".repeat(400)}`));
        controller.close();
      },
    });
    const response = await handler(
      new Request(await backpost(r, "signFile"), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(r.outcomes).toEqual([]);
  });

  it("a body that is not a form (415), a GET where DSS posts (405), malformed fields (400)", async () => {
    const r = await receiver();
    const url = await backpost(r, "signFile");
    const json = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: `sid=${session}` },
      body: JSON.stringify({ filename: "a", filecontent: "AAAA" }),
    });
    const get = await fetch(url, { headers: { cookie: `sid=${session}` } });
    const broken = await post(url, [
      ["filename", "a"],
      ["filecontent", "not base64!"],
    ]);
    expect([json.status, get.status, broken.status]).toEqual([415, 405, 400]);
    expect(await broken.text()).not.toContain("not base64!");
    expect(r.outcomes).toEqual([]);
  });

  it("an application callback that throws: a bare 500, no details, the error handed to onError", async () => {
    const r = await receiver({
      onOutcome: () => {
        throw new Error("database password is hunter2");
      },
    });
    const response = await post(await backpost(r, "signFile"), file);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("Internal error\n");
    expect(r.errors).toHaveLength(1);
  });
});
