// The main job's last step: start each emulator on a free port with `trustspec-mock`, run its
// example against it as a user would, print what the example prints, and stop the emulator.
//   licence: licence-report, every answer's signature verified with the emulator's fresh key;
//   dss:     dss-sign, a file signed after a one-time-password confirmation, the .sig verified;
//   dss (SOAP): dss-soap-sign over HTTPS, a SAML token from WS-Trust, the signing transaction
//            confirmed through the identity centre's challenge, the .sig checked by
//            `openssl cms -verify` against the emulator's CA;
//   dss-notification: dss-notify-receiver hosts the service and logs what the generated SOAP
//            client sends it (DSS's side of the exchange);
//   dss (web): dss-web-sign, the web application of the HTTP form API, started against the
//            emulator's front-end: its form for a file posts to DSS with a backpost token, and a
//            forged post to its backpost is refused (the flows themselves need a browser: the
//            example's Chromium tests);
//   dss-ums: dss-operator, a user registered, found by a filter and removed by an operator;
//   suz:     suz-connect registers an installation with a throwaway GOST test certificate, signs
//            in through ИС МДЛП (signed code) and calls the СУЗ API with the client token.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const dir = mkdtempSync(join(tmpdir(), "trustspec-main-"));

/**
 * Starts a program that prints `listening on <url>` first; with `echo`, the rest of its output
 * is printed too.
 * @param {string[]} argv
 * @param {{ echo?: boolean }} [options]
 * @returns {Promise<{ url: string; stop: () => void }>}
 */
async function startServer(argv, options = {}) {
  const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "inherit"] });
  /** @type {string} */
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const m = /^listening on (\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
      else reject(new Error(`unexpected first line from ${argv.join(" ")}: ${line}`));
      if (options.echo) lines.on("line", (rest) => console.log(rest));
      else child.stdout.resume();
    });
    child.once("exit", (code) => reject(new Error(`${argv.join(" ")} exited with ${code}`)));
  });
  return { url, stop: () => child.kill() };
}

/**
 * Starts `trustspec-mock <args>` and resolves to its URL and a stop function.
 * @param {string[]} args
 * @returns {Promise<{ url: string; stop: () => void }>}
 */
async function startEmulator(args) {
  return startServer(["packages/mock/bin/trustspec-mock.mjs", ...args]);
}

/**
 * Runs an example program to its end; resolves to its exit code.
 * @param {string} script
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @returns {Promise<number>}
 */
function runExample(script, args, env) {
  return new Promise((resolve) => {
    const example = spawn(process.execPath, [script, ...args], {
      stdio: "inherit",
      env: { ...process.env, ...env },
    });
    example.on("exit", (code) => resolve(code ?? 1));
  });
}

async function licence() {
  const publicKey = join(dir, "licence-emulator.pem");
  const emulator = await startEmulator(["licence", "--port", "0", "--public-key-out", publicKey]);
  try {
    console.log(`\n== licence emulator: ${emulator.url}\n`);
    return await runExample(
      "examples/licence-report/src/main.mjs",
      ["--url", emulator.url, "--public-key", publicKey],
      { LICENCE_USER: "admin", LICENCE_PASSWORD: "admin" },
    );
  } finally {
    emulator.stop();
  }
}

/**
 * The DSS emulator both DSS examples run against: the user demo, signing confirmed with the
 * one-time password 424242, the test CA written to `ca`.
 * @param {string} ca
 * @param {string[]} extra
 */
function startDssEmulator(ca, ...extra) {
  const confirmed = ["--user", "demo:demo", "--otp", "424242", "--confirm", "SignDocument"];
  return startEmulator(["dss", "--port", "0", ...extra, ...confirmed, "--ca-cert-out", ca]);
}

async function dss() {
  const ca = join(dir, "dss-ca.pem");
  const file = join(dir, "contract.txt");
  writeFileSync(file, "Договор поставки № 17 от 1 декабря\n");
  const emulator = await startDssEmulator(ca);
  try {
    console.log(`\n== DSS emulator: ${emulator.url}\n`);
    return await runExample(
      "examples/dss-sign/src/main.mjs",
      ["--url", emulator.url, "--user", "demo", "--ca-cert", ca, file],
      { DSS_PASSWORD: "demo", DSS_OTP: "424242" },
    );
  } finally {
    emulator.stop();
  }
}

async function dssSoap() {
  const ca = join(dir, "dss-https-ca.pem");
  const file = join(dir, "act.txt");
  writeFileSync(file, "Акт приёма-передачи № 4 от 2 декабря\n");
  const emulator = await startDssEmulator(ca, "--https");
  try {
    console.log(`\n== DSS emulator over HTTPS (SOAP Sign Service): ${emulator.url}\n`);
    const code = await runExample(
      "examples/dss-soap-sign/src/main.mjs",
      ["--url", emulator.url, "--user", "demo", file],
      { DSS_PASSWORD: "demo", DSS_OTP: "424242", NODE_EXTRA_CA_CERTS: ca },
    );
    if (code !== 0) return code;
    // An independent check of the signature: OpenSSL against the emulator's CA.
    const args = ["cms", "-verify", "-binary", "-inform", "DER", "-in", `${file}.sig`];
    args.push("-content", file, "-CAfile", ca, "-purpose", "any", "-out", "/dev/null");
    try {
      execFileSync("openssl", args, { stdio: ["ignore", "inherit", "inherit"] });
      return 0;
    } catch {
      return 1;
    }
  } finally {
    emulator.stop();
  }
}

async function dssWebSign() {
  const ca = join(dir, "dss-web-ca.pem");
  const emulator = await startDssEmulator(ca);
  /** @type {{ url: string; stop: () => void } | undefined} */
  let app;
  try {
    const frontend = `${emulator.url}/frontend`;
    app = await startServer(
      [
        "examples/dss-web-sign/src/main.mjs",
        "--port",
        "0",
        "--frontend-url",
        frontend,
        "--ca-cert",
        ca,
      ],
      { echo: true },
    );
    console.log(`\n== DSS web front-end: ${frontend}; the web application: ${app.url}\n`);
    const home = await fetch(app.url);
    const cookie = (home.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    await home.text();
    const upload = new FormData();
    upload.set("file", new Blob(["Акт сверки за ноябрь\n"]), "akt.txt");
    const started = await fetch(`${app.url}/start/signFile`, {
      method: "POST",
      headers: { cookie },
      body: upload,
    });
    const page = await started.text();
    const action = /<form id="dss-form" method="post" action="([^"]+)"/.exec(page)?.[1];
    const backpost = /name="backpost" value="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, "&");
    console.log(`the application's form for akt.txt posts to ${action}`);
    console.log(`  with backpost ${backpost?.replace(/(dss_state=v1\.\w+\.)[^&]+/, "$1…")}`);
    const forged = await fetch(
      `${app.url}/dss/back?dss_state=v1.signFile.zzzzzz.bm9uY2U.Zm9yZ2Vk`,
      {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: "filename=akt.txt&filecontent=MAA%3D",
      },
    );
    await forged.text();
    console.log(`a forged post to its backpost: ${forged.status}`);
    const ok =
      action === `${frontend}/uploadfile` &&
      backpost?.startsWith(`${app.url}/dss/back?dss_state=v1.signFile.`) &&
      forged.status === 403;
    return ok ? 0 : 1;
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    return 1;
  } finally {
    app?.stop();
    emulator.stop();
  }
}

async function notifications() {
  const receiver = await startServer(["examples/dss-notify-receiver/src/main.mjs", "--port", "0"], {
    echo: true,
  });
  try {
    console.log(`\n== DSS notification receiver: ${receiver.url}\n`);
    // What DSS does: call the application's notification service (a package entry, built).
    const entry = resolve("packages/dss-notification/dist/index.mjs");
    const { createDssNotificationClient, notify } = await import(pathToFileURL(entry).href);
    const client = createDssNotificationClient({ url: receiver.url });
    await notify(client, {
      opResult: {
        OperationCode: 100,
        ResultCode: 0,
        UserIdentifier: "+79161234567",
        AdditionalData: { 1: "5904CE31-B789-45BA-89CB-750F194CFE54" },
      },
    });
    await notify(client, {
      opResult: { OperationCode: 102, ResultCode: 1021, UserIdentifier: "demo" },
    });
    await new Promise((r) => setTimeout(r, 200)); // let the receiver's log lines arrive
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    return 1;
  } finally {
    receiver.stop();
  }
}

async function dssUms() {
  const emulator = await startEmulator([
    "dss-ums",
    "--port",
    "0",
    "--operator",
    "operator:operator",
  ]);
  try {
    console.log(`\n== DSS user management emulator: ${emulator.url}\n`);
    return await runExample(
      "examples/dss-operator/src/main.mjs",
      ["--url", emulator.url, "--login", "anna", "--phone", "+79150000000"],
      { DSS_OPERATOR: "operator", DSS_OPERATOR_PASSWORD: "operator" },
    );
  } finally {
    emulator.stop();
  }
}

async function suz() {
  const emulator = await startEmulator(["suz", "--port", "0"]);
  try {
    console.log(`\n== СУЗ emulator: ${emulator.url}\n`);
    return await runExample(
      "examples/suz-connect/src/main.mjs",
      ["--url", emulator.url, "--oms-id", "cdf12109-10d3-11e6-8b6f-0050569977a1", "--test-pki"],
      {},
    );
  } finally {
    emulator.stop();
  }
}

try {
  const codes = [];
  for (const job of [licence, dss, dssSoap, dssWebSign, dssUms, notifications, suz])
    codes.push(await job());
  process.exitCode = codes.some((c) => c !== 0) ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
