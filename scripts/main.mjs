// The main job's last step: run each example against its emulator, started on a free port.
// licence-report verifies every answer's signature with the licence emulator's fresh public key;
// suz-connect registers an installation with a throwaway GOST test certificate, signs in through
// ИС МДЛП and calls the СУЗ API with the token. Each emulator is stopped afterwards.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/**
 * Starts `trustspec-mock <api>`, waits for its `listening on <url>` line, runs `example(url)`,
 * stops the emulator; resolves to the example's exit code.
 * @param {string} api
 * @param {string[]} args
 * @param {(url: string) => { script: string, args: string[], env?: Record<string, string> }} example
 */
async function runExample(api, args, example) {
  const emulator = spawn(
    process.execPath,
    ["packages/mock/bin/trustspec-mock.mjs", api, "--port", "0", ...args],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const url = await new Promise((resolve, reject) => {
      const lines = createInterface({ input: emulator.stdout });
      lines.once("line", (line) => {
        const m = /^listening on (\S+)/.exec(line);
        if (m) resolve(m[1]);
        else reject(new Error(`unexpected first line from the ${api} emulator: ${line}`));
      });
      emulator.once("exit", (code) => reject(new Error(`the ${api} emulator exited with ${code}`)));
    });
    console.log(`${api} emulator: ${url}`);
    const run = example(url);
    return await new Promise((resolve) => {
      const child = spawn(process.execPath, [run.script, ...run.args], {
        stdio: "inherit",
        env: { ...process.env, ...run.env },
      });
      child.on("exit", (code) => resolve(code ?? 1));
    });
  } finally {
    emulator.kill();
  }
}

const dir = mkdtempSync(join(tmpdir(), "trustspec-main-"));
const publicKey = join(dir, "emulator-public.pem");
try {
  const licence = await runExample("licence", ["--public-key-out", publicKey], (url) => ({
    script: "examples/licence-report/src/main.mjs",
    args: ["--url", url, "--public-key", publicKey],
    env: { LICENCE_USER: "admin", LICENCE_PASSWORD: "admin" },
  }));
  console.log("");
  const suz = await runExample("suz", [], (url) => ({
    script: "examples/suz-connect/src/main.mjs",
    args: ["--url", url, "--oms-id", "cdf12109-10d3-11e6-8b6f-0050569977a1", "--test-pki"],
  }));
  process.exitCode = licence !== 0 ? licence : suz;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
