import { spawnSync } from "node:child_process";

/**
 * Makes sure `java` runs. Where it is missing, installs a headless JRE with apt-get when this
 * process may (root on a Debian-like system); otherwise throws, saying how to get one. Never skips.
 */
export function ensureJava(): string {
  const found = javaVersion();
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(
      "OpenAPI Generator needs Java 8 or later on PATH, and `java` was not found. Install a JRE " +
        "(Debian/Ubuntu: apt-get install -y default-jre-headless) and run the test again.",
    );
  }
  for (const args of [["update"], ["install", "-y", "default-jre-headless"]]) {
    const result = spawnSync("apt-get", args, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed: Java is missing`);
  }
  const installed = javaVersion();
  if (!installed)
    throw new Error("default-jre-headless was installed but `java` still does not run");
  return installed;
}

function javaVersion(): string | undefined {
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) return undefined;
  return result.stderr.split("\n")[0];
}
