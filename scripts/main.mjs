// The main job's last step: start the licence emulator on a free port with a fresh key pair,
// run the licence-report example against it (verifying every signature with that public key),
// print the report, and stop the emulator.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const dir = mkdtempSync(join(tmpdir(), "trustspec-main-"));
const publicKey = join(dir, "emulator-public.pem");
const emulator = spawn(
  process.execPath,
  ["packages/mock/bin/trustspec-mock.mjs", "licence", "--port", "0", "--public-key-out", publicKey],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const stop = () => {
  emulator.kill();
  rmSync(dir, { recursive: true, force: true });
};

try {
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: emulator.stdout });
    lines.once("line", (line) => {
      const m = /^listening on (\S+)/.exec(line);
      if (m) resolve(m[1]);
      else reject(new Error(`unexpected first line from the emulator: ${line}`));
    });
    emulator.once("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  console.log(`licence emulator: ${url}`);
  const code = await new Promise((resolve) => {
    const example = spawn(
      process.execPath,
      ["examples/licence-report/src/main.mjs", "--url", url, "--public-key", publicKey],
      {
        stdio: "inherit",
        env: { ...process.env, LICENCE_USER: "admin", LICENCE_PASSWORD: "admin" },
      },
    );
    example.on("exit", resolve);
  });
  process.exitCode = code ?? 1;
} finally {
  stop();
}
