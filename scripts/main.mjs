// The main job's last step: start each emulator on a free port with `trustspec-mock`, run its
// example against it as a user would, print what the example prints, and stop the emulator.
//   licence: licence-report, every answer's signature verified with the emulator's fresh key;
//   dss:     dss-sign, a file signed after a one-time-password confirmation, the .sig verified.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const dir = mkdtempSync(join(tmpdir(), "trustspec-main-"));

/**
 * Starts `trustspec-mock <args>` and resolves to its URL and a stop function.
 * @param {string[]} args
 * @returns {Promise<{ url: string, stop: () => void }>}
 */
async function startEmulator(args) {
  const child = spawn(process.execPath, ["packages/mock/bin/trustspec-mock.mjs", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const m = /^listening on (\S+)/.exec(line);
      if (m) resolve(m[1]);
      else reject(new Error(`unexpected first line from trustspec-mock ${args[0]}: ${line}`));
    });
    child.once("exit", (code) =>
      reject(new Error(`trustspec-mock ${args[0]} exited with ${code}`)),
    );
  });
  child.stdout.resume();
  return { url, stop: () => child.kill() };
}

/**
 * Runs an example program to its end; resolves to its exit code.
 * @param {string} script
 * @param {string[]} args
 * @param {Record<string, string>} [env]
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

async function dss() {
  const ca = join(dir, "dss-ca.pem");
  const file = join(dir, "contract.txt");
  writeFileSync(file, "Договор поставки № 17 от 1 декабря\n");
  const emulator = await startEmulator([
    "dss",
    "--port",
    "0",
    "--user",
    "demo:demo",
    "--otp",
    "424242",
    "--confirm",
    "SignDocument",
    "--ca-cert-out",
    ca,
  ]);
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

try {
  const codes = [];
  for (const job of [licence, dss]) codes.push(await job());
  process.exitCode = codes.some((c) => c !== 0) ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
