/**
 * Headless Chromium for the browser tests: Debian's chromium package (`/usr/bin/chromium`, or the
 * binary named by TRUSTSPEC_CHROMIUM), installed by `scripts/setup-chromium.sh` when missing and
 * driven by playwright-core through `executablePath` (it never downloads a browser).
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** The repository's script that installs Chromium (apt-get as root). */
export const SETUP_CHROMIUM = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "scripts",
  "setup-chromium.sh",
);

/** What a browser test needs to launch Chromium, or why it cannot. */
export interface ChromiumForTests {
  /** Why the browser does not run; undefined when it does. */
  problem?: string;
  /** The options for playwright-core's `chromium.launch`. */
  launchOptions: { executablePath: string; args: string[] };
}

/**
 * Finds Chromium for a browser test, running `scripts/setup-chromium.sh` first when it does not
 * run. When it cannot be had, warns (naming `test`) and returns the reason, so that the test is
 * skipped with `describe.skipIf(chromium.problem !== undefined)`; under CI=true it throws instead,
 * since CI must run the browser tests.
 * @throws Error under CI when Chromium is not available.
 */
export function chromiumForTests(test: string): ChromiumForTests {
  const executablePath = process.env.TRUSTSPEC_CHROMIUM ?? "/usr/bin/chromium";
  const runs = () => {
    try {
      execFileSync(executablePath, ["--version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  let problem: string | undefined;
  if (!runs()) {
    try {
      execFileSync("bash", [SETUP_CHROMIUM], {
        stdio: ["ignore", "inherit", "pipe"],
        encoding: "utf8",
      });
      if (!runs()) problem = `${executablePath} does not run after scripts/setup-chromium.sh`;
    } catch (e) {
      problem = (e as { stderr?: string }).stderr?.trim() || "scripts/setup-chromium.sh failed";
    }
  }
  if (problem) {
    const message = `${test}: Chromium is not available (${problem}); run scripts/setup-chromium.sh as root (Debian: apt-get install chromium) or set TRUSTSPEC_CHROMIUM`;
    if (process.env.CI) throw new Error(`${message}. Under CI the browser test must run.`);
    console.warn(`${message}; the browser test is skipped`);
  }
  return {
    ...(problem ? { problem } : {}),
    // Chromium's sandbox cannot start as root (containers, CI).
    launchOptions: { executablePath, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] },
  };
}
