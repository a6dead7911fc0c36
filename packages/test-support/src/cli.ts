/**
 * What an emulator's command line is given by `trustspec-mock` (its output lines and the stop
 * signal), recorded for a test: `out` and `err` collect the lines, `stop()` asks it to stop.
 */
export function mockIo() {
  const out: string[] = [];
  const err: string[] = [];
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  return {
    out,
    err,
    stop: () => stop(),
    io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line), stopped },
  };
}

/**
 * Waits (up to `ms`, default 60 s: emulators make their keys first) for a command's first line,
 * `listening on <url>` (http or https), and returns the URL.
 * @throws Error naming what was printed when the line does not come.
 */
export async function listeningUrl(t: ReturnType<typeof mockIo>, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  while (t.out.length === 0 && t.err.length === 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const url = /^listening on (https?:\/\/127\.0\.0\.1:\d+)\/?$/.exec(t.out[0] ?? "")?.[1];
  if (!url) throw new Error(`no listening line: ${t.out.join("\n")} ${t.err.join("\n")}`);
  return url;
}
