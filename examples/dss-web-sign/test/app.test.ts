/**
 * The example application over HTTP, without a browser: `src/main.mjs` started as a user starts
 * it, its page, what it answers to bad uploads, and its backpost refusing what no form of the
 * session sent (no token, a forged one, another session's, one used already), with nothing kept.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { toPem } from "@trustspec/dss/cms";
import { DssEmulator } from "@trustspec/dss/server";
import { DSS_FORM_KINDS } from "@trustspec/dss-frontend";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const main = join(import.meta.dirname, "..", "src", "main.mjs");
const dir = mkdtempSync(join(tmpdir(), "dss-web-sign-"));

let dss: DssEmulator;
let dssUrl: string;
let closeDss: () => Promise<void>;
let app: ChildProcess;
let appUrl: string;
const printed: string[] = [];

beforeAll(async () => {
  dss = await DssEmulator.create({ keyAlgorithm: "ECDSA" });
  const server = await dss.listen();
  dssUrl = server.url;
  closeDss = async () => {
    await server.close();
    await dss.close();
  };
  const ca = join(dir, "ca.pem");
  writeFileSync(ca, toPem(dss.caCertificate, "CERTIFICATE"));
  app = spawn(process.execPath, [main, "--port", "0", "--ca-cert", ca], {
    env: { ...process.env, DSS_FRONTEND_URL: `${dssUrl}/frontend` },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: app.stdout! });
  lines.on("line", (line) => printed.push(line));
  appUrl = await new Promise<string>((resolve, reject) => {
    lines.once("line", (line) => {
      const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
      if (url) resolve(url);
      else reject(new Error(`unexpected first line: ${line}`));
    });
    app.once("exit", (code) => reject(new Error(`main.mjs exited with ${code}`)));
  });
});

afterAll(async () => {
  app?.kill();
  await closeDss?.();
});

/** A browser's cookie jar for the application, reduced to its session cookie. */
class Visitor {
  cookie = "";
  async get(path: string) {
    const res = await fetch(`${appUrl}${path}`, { headers: { cookie: this.cookie } });
    this.cookie = (res.headers.get("set-cookie") ?? this.cookie).split(";")[0]!;
    return { status: res.status, html: await res.text() };
  }
  async post(path: string, body: FormData | URLSearchParams, query = "") {
    const res = await fetch(`${appUrl}${path}${query}`, {
      method: "POST",
      headers: { cookie: this.cookie },
      body,
    });
    return { status: res.status, html: await res.text() };
  }
}

/** Uploads a file to sign; the token of the DSS form the application answers with. */
async function startSigning(visitor: Visitor): Promise<string> {
  const form = new FormData();
  form.set("file", new Blob(["Счёт № 5"]), "schet.txt");
  const page = await visitor.post("/start/signFile", form);
  expect(page.status).toBe(200);
  expect(page.html).toContain(`action="${dssUrl}/frontend/uploadfile"`);
  const backpost = /name="backpost" value="([^"]+)"/.exec(page.html)![1]!.replace(/&amp;/g, "&");
  expect(backpost.startsWith(`${appUrl}/dss/back?dss_state=v1.signFile.`)).toBe(true);
  return new URL(backpost).searchParams.get("dss_state")!;
}

/** What DSS would post back for a signed file (any bytes will do: the token is checked first). */
const signedPost = () =>
  new URLSearchParams({ filename: "schet.txt", filecontent: Buffer.from("x").toString("base64") });

describe("dss-web-sign over HTTP", () => {
  it("prints where it listens, where DSS is and its backpost, and serves its page", async () => {
    await vi.waitFor(() => expect(printed.length).toBeGreaterThanOrEqual(4));
    expect(printed).toContain(`  DSS web front-end: ${dssUrl}/frontend`);
    expect(printed).toContain(`  backpost:          ${appUrl}/dss/back`);
    const visitor = new Visitor();
    const home = await visitor.get("/");
    expect(home.status).toBe(200);
    expect(visitor.cookie).toMatch(/^app_session=/);
    for (const action of DSS_FORM_KINDS) {
      expect(home.html).toContain(`action="/start/${action}"`);
    }
  });

  it("answers bad uploads with a page saying what is wrong, and sends nothing to DSS", async () => {
    const visitor = new Visitor();
    await visitor.get("/");
    const noFile = await visitor.post("/start/signFile", new FormData());
    expect(noFile.status).toBe(400);
    expect(noFile.html).toContain("Выберите файл.");
    const notCertificate = new FormData();
    notCertificate.set("certificate", new Blob(["не сертификат"]), "cert.pem");
    const refused = await visitor.post("/start/installCertificate", notCertificate);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("Поле certcontent");
    const noSubject = new FormData();
    noSubject.set("subject", "");
    expect((await visitor.post("/start/certificateRequest", noSubject)).status).toBe(400);
    const big = new FormData();
    big.set("file", new Blob([new Uint8Array(800 * 1024)]), "big.bin");
    const tooBig = await visitor.post("/start/encryptFile", big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.html).toMatch(/DSS принимает формы не больше 1048576 байт/);
    for (const page of [noFile, refused, tooBig]) {
      expect(page.html).not.toContain(dssUrl);
      expect(page.html).not.toMatch(/at \w+ \(|Error:/);
    }
    expect((await visitor.get("/start/signFile")).status).toBe(405);
    expect((await visitor.get("/nothing")).status).toBe(404);
  });

  it("refuses a post to backpost without a token, with a forged one, or another session's", async () => {
    const anna = new Visitor();
    await anna.get("/");
    const token = await startSigning(anna);
    const [v, kind, expiry, nonce, mac] = token.split(".");
    const forged = [v, kind, expiry, nonce, `${mac!.slice(0, -2)}AA`].join(".");
    const longer = [v, kind, (Number.parseInt(expiry!, 36) + 3600).toString(36), nonce, mac].join(
      ".",
    );
    const mallory = new Visitor();
    await mallory.get("/");
    const cases: [string, Visitor, string, RegExp][] = [
      ["no token", anna, "", /token-missing/],
      ["a made-up token", anna, "?dss_state=v1.signFile.zzzzzz.bm9uY2U.bWFj", /token-/],
      ["a changed MAC", anna, `?dss_state=${forged}`, /token-invalid/],
      ["a changed expiry", anna, `?dss_state=${longer}`, /token-invalid/],
      ["anna's token from mallory's browser", mallory, `?dss_state=${token}`, /token-invalid/],
    ];
    for (const [name, visitor, query, reason] of cases) {
      const answer = await visitor.post("/dss/back", signedPost(), query);
      expect(answer.status, name).toBe(403);
      expect(answer.html, name).toMatch(reason);
      expect(answer.html, name).toContain("Ответ DSS отклонён");
      expect(answer.html, name).not.toContain("schet.txt");
    }
    // The shape of another form's result (a package's for a file's token) is malformed; the token
    // is spent.
    const wrongShape = await anna.post(
      "/dss/back",
      new URLSearchParams({ result0: "", error0: "x" }),
      `?dss_state=${token}`,
    );
    expect(wrongShape.status).toBe(400);
    // With the right token a bad signature is refused too: it is checked against the document sent.
    const next = await startSigning(anna);
    const answer = await anna.post("/dss/back", signedPost(), `?dss_state=${next}`);
    expect(answer.status).toBe(422);
    expect(answer.html).toContain("Ответ не принят");
    expect(answer.html).not.toContain('id="download"');
  });

  it("takes one answer per form: the token is spent by the first post", async () => {
    const anna = new Visitor();
    await anna.get("/");
    const token = await startSigning(anna);
    const error = new URLSearchParams({ error: "Операция отменена пользователем." });
    const first = await anna.post("/dss/back", error, `?dss_state=${token}`);
    expect(first.status).toBe(200);
    expect(first.html).toContain("DSS сообщил об ошибке");
    expect(first.html).toContain("Операция отменена пользователем.");
    const again = await anna.post("/dss/back", error, `?dss_state=${token}`);
    expect(again.status).toBe(403);
    // Without the session cookie the session is the one that made the form (found by the token);
    // once the token is spent there is none.
    const cookieless = await new Visitor().post("/dss/back", error, `?dss_state=${token}`);
    expect(cookieless.status).toBe(403);
    expect(cookieless.html).toMatch(/session-missing/);
  });
});
