import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mockIo } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";
import { describeCertificate, fromPem, verifyCms } from "../src/cms/index.js";
import { runDssMock } from "../src/emulator/cli.js";
import { fetchTrusting } from "./emulator-https-support.js";
import { b64, call } from "./emulator-support.js";

/** `trustspec-mock dss`: its options, its first line, and the accounts it starts with. */

async function serving(argv: string[]) {
  const t = mockIo();
  const done = runDssMock(argv, t.io);
  const end = Date.now() + 60_000; // the emulator makes its keys first
  while (t.out.length === 0 && t.err.length === 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const url = /^listening on (https?:\/\/127\.0\.0\.1:\d+)$/.exec(t.out[0] ?? "")?.[1];
  if (!url) throw new Error(`no url: ${t.out.join("\n")} ${t.err.join("\n")}`);
  return { t, done, url };
}

const token = (url: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  call(`${url}/STS/oauth/token`, "POST", { form, headers });

describe("trustspec-mock dss", () => {
  it("--help names the defaults and every option", async () => {
    const t = mockIo();
    expect(await runDssMock(["--help"], t.io)).toBe(0);
    const text = t.out.join("\n");
    for (const word of [
      "--user",
      "--operator",
      "--client",
      "--otp",
      "--confirm",
      "--mydss",
      "--https",
      "--ca-cert-out",
      "--port",
      "8080",
      "dss.sample",
      "demo",
    ]) {
      expect(text).toContain(word);
    }
  });

  it.each([
    [["--port", "http"], /--port/],
    [["--port", "70000"], /--port/],
    [["--user", "nopassword"], /login:password/],
    [["--user", ":x"], /name/],
    [["--confirm", "Teleport"], /unknown action "Teleport"/],
    [["--auto-approve", "soon"], /milliseconds/],
    [["--frobnicate"], /Unknown option/],
  ])("refuses %j with exit code 2", async (argv, message) => {
    const t = mockIo();
    expect(await runDssMock(argv, t.io)).toBe(2);
    expect(t.err.join("\n")).toMatch(message);
  });

  it("defaults: demo/demo with a certificate, operator/operator, the public client dss.sample", async () => {
    const { t, done, url } = await serving(["--port", "0"]);
    try {
      expect(t.out[1]).toBe(`  identity centre:   ${url}/STS`);
      const a = await token(url, {
        grant_type: "password",
        username: "demo",
        password: "demo",
        client_id: "dss.sample",
      });
      expect(a.status).toBe(200);
      const certs = await call(`${url}/SignServer/rest/api/certificates`, "GET", {
        token: a.json.access_token as string,
      });
      expect((certs.json as unknown as unknown[]).length).toBe(1);
      const op = await token(url, {
        grant_type: "password",
        username: "operator",
        password: "operator",
        client_id: "dss.sample",
      });
      expect(op.status).toBe(200);
    } finally {
      t.stop();
    }
    expect(await done).toBe(0);
    await expect(fetch(`${url}/STS/oauth/token`)).rejects.toThrow();
  });

  it("--user, --operator, --client id:secret, --otp and --confirm take effect", async () => {
    const { t, done, url } = await serving([
      "--port",
      "0",
      "--user",
      "anna:s3:cret",
      "--operator",
      "boss:boss",
      "--client",
      "app:topsecret",
      "--otp",
      "424242",
      "--confirm",
      "SignDocument",
    ]);
    try {
      const basic = { authorization: `Basic ${b64("app:topsecret")}` };
      // The password is everything after the first colon.
      const anna = await token(
        url,
        { grant_type: "password", username: "anna", password: "s3:cret" },
        basic,
      );
      expect(anna.status).toBe(200);
      expect(
        (await token(url, { grant_type: "password", username: "demo", password: "demo" }, basic))
          .status,
      ).toBe(400);
      expect(
        (await token(url, { grant_type: "password", username: "boss", password: "boss" }, basic))
          .status,
      ).toBe(200);
      // dss.sample is not registered when --client is given.
      expect(
        (
          await token(url, {
            grant_type: "password",
            username: "anna",
            password: "s3:cret",
            client_id: "dss.sample",
          })
        ).status,
      ).toBe(401);
      const access = anna.json.access_token as string;
      const api = `${url}/SignServer/rest/api`;
      const policy = await call(`${api}/policy`, "GET", { token: access });
      const actions = policy.json.ActionPolicy as { Action: number; MfaRequired: boolean }[];
      expect(actions.filter((x) => x.MfaRequired).map((x) => x.Action)).toEqual([2]);
      const tx = await call(`${api}/transactions`, "POST", {
        token: access,
        body: { OperationCode: "SignDocument", Document: b64("doc") },
      });
      const first = await call(`${url}/STS/confirmation`, "POST", {
        token: access,
        body: {
          Resource: "https://x.test/SignServer/rest",
          TransactionTokenId: JSON.parse(tx.text),
        },
      });
      const ref = (first.json.Challenge as { TextChallenge: { RefID: string }[] }).TextChallenge[0]!
        .RefID;
      const answer = (Value: string) =>
        call(`${url}/STS/confirmation`, "POST", {
          token: access,
          body: {
            Resource: "https://x.test/SignServer/rest",
            ChallengeResponse: { TextChallengeResponse: [{ RefId: ref, Value }] },
          },
        });
      expect((await answer("123456")).json.IsError).toBe(true);
      expect((await answer("424242")).json).toMatchObject({ IsFinal: true, IsError: false });
    } finally {
      t.stop();
    }
    expect(await done).toBe(0);
  });

  it("a port in use: one line on stderr, exit code 1", async () => {
    const first = await serving(["--port", "0"]);
    try {
      const port = new URL(first.url).port;
      const t = mockIo();
      expect(await runDssMock(["--port", port], t.io)).toBe(1);
      expect(t.err).toHaveLength(1);
      expect(t.err[0]).toMatch(/^trustspec-mock dss: .*EADDRINUSE/);
    } finally {
      first.t.stop();
      await first.done;
    }
  });

  it("--ca-cert-out writes the CA certificate the emulator's signatures chain to", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "dss-cli-")), "ca.pem");
    const { t, done, url } = await serving(["--port", "0", "--ca-cert-out", file]);
    try {
      const ca = fromPem(readFileSync(file, "utf8"));
      expect(describeCertificate(ca).isCa).toBe(true);
      const form = {
        grant_type: "password",
        username: "demo",
        password: "demo",
        client_id: "dss.sample",
      };
      const access = (await token(url, form)).json.access_token as string;
      const signed = await call(`${url}/SignServer/rest/api/documents`, "POST", {
        token: access,
        body: { Content: b64("данные"), Signature: { Type: 5 } },
      });
      const cms = new Uint8Array(Buffer.from(JSON.parse(signed.text) as string, "base64"));
      const verified = await verifyCms(cms, {
        content: new TextEncoder().encode("данные"),
        trusted: [ca],
      });
      expect(verified).toMatchObject({ valid: true });
    } finally {
      t.stop();
    }
    expect(await done).toBe(0);
  });

  it("--https serves over TLS with the CA from --ca-cert-out, or printed without it", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "dss-cli-")), "ca.pem");
    const { t, done, url } = await serving(["--port", "0", "--https", "--ca-cert-out", file]);
    try {
      expect(url).toMatch(/^https:/);
      expect(t.out).toContain(`  test CA (trust it for HTTPS): ${file}`);
      expect(t.out).toContain(`  sign service SOAP: ${url}/SignServer/SignService.svc?wsdl`);
      expect(t.out).toContain(`  web front-end:     ${url}/frontend`);
      const res = await fetchTrusting(readFileSync(file, "utf8"))(
        `${url}/SignServer/rest/api/policy`,
      );
      expect(res.status).toBe(401);
      const frontend = await fetchTrusting(readFileSync(file, "utf8"))(`${url}/frontend`);
      expect(frontend.status).toBe(200);
      expect(frontend.headers.get("content-type")).toBe("text/html; charset=utf-8");
    } finally {
      t.stop();
    }
    expect(await done).toBe(0);

    const printed = await serving(["--port", "0", "--https"]);
    try {
      const text = printed.t.out.join("\n");
      const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
      expect(pem).toBeDefined();
      const res = await fetchTrusting(`${pem}\n`)(`${printed.url}/SignServer/rest/api/policy`);
      expect(res.status).toBe(401);
    } finally {
      printed.t.stop();
    }
    expect(await printed.done).toBe(0);
  });

  it("an unwritable --ca-cert-out: one line on stderr, exit code 1, the port is freed", async () => {
    const t = mockIo();
    expect(
      await runDssMock(["--port", "0", "--ca-cert-out", "/nonexistent/dir/ca.pem"], t.io),
    ).toBe(1);
    expect(t.err).toHaveLength(1);
    expect(t.err[0]).toMatch(/^trustspec-mock dss: .*ENOENT/);
  });
});
