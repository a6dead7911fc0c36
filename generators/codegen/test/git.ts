import { execFileSync } from "node:child_process";

/** Runs git in a throw-away repository, as a fixed author (the machine's identity is not needed). */
export function gitIn(dir: string, ...args: string[]): Buffer {
  return execFileSync("git", args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.org",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.org",
    },
  });
}
