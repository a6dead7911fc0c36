/**
 * Call timeouts kept by one timer, with a controller shared by calls of nearly the same deadline
 * (src/deadline.ts): shared only as far as no call is ever timed out early, per-call signals
 * still get a controller of their own, the timer holds the process open exactly while a call is
 * in flight, and long timeouts are not cut short.
 */
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deadlineState } from "../src/deadline.js";
import {
  AbortError,
  type ClientOptions,
  callOperation,
  createClient,
  TimeoutError,
} from "../src/index.js";
import { bundle, getThing, json, recordingFetch, thing } from "./fixtures.js";

const here = dirname(fileURLToPath(import.meta.url));

function client(fetch: typeof globalThis.fetch, options: ClientOptions = {}) {
  return createClient(bundle, { baseUrl: "http://api.test", fetch, retry: false, ...options });
}

/** A fetch that never answers and rejects once its signal aborts; it records the signals. */
function hangingFetch() {
  const signals: (AbortSignal | undefined)[] = [];
  const fn = (_input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      const signal = init?.signal ?? undefined;
      signals.push(signal);
      if (!signal) return;
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  return Object.assign(fn as typeof globalThis.fetch, { signals });
}

/** Runs the promise callbacks queued so far (setImmediate is left real by the fake clock). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const get = (c: ReturnType<typeof client>, options?: Parameters<typeof callOperation>[3]) =>
  callOperation(c, getThing, { path: { id: 1 } }, options);

describe("deadlines with a fake clock", () => {
  afterEach(async () => {
    // Let every deadline run out, so no timer of the fake clock outlives the test.
    await vi.runAllTimersAsync();
    expect(deadlineState()).toMatchObject({ inFlight: 0, watched: 0, armed: false });
    vi.useRealTimers();
  });

  it("calls with nearly the same deadline share a controller, at most four of them", async () => {
    vi.useFakeTimers({ toFake: ["performance", "setTimeout", "clearTimeout"] });
    const fetch = recordingFetch(json(thing()));
    const c = client(fetch, { timeoutMs: 5_000 });
    for (let i = 0; i < 9; i++) await get(c);
    const signals = fetch.calls.map((call) => call.signal!);
    expect(signals.every((s) => s instanceof AbortSignal && !s.aborted)).toBe(true);
    expect(new Set(signals).size).toBe(3);
    expect(signals[0]).toBe(signals[3]);
    expect(signals[4]).not.toBe(signals[3]);
    expect(signals[4]).toBe(signals[7]);
    expect(signals[8]).not.toBe(signals[7]);
    expect(deadlineState().inFlight).toBe(0);
  });

  it("a call joins only a deadline that is not before its own and at most 1/100 of its timeout after", async () => {
    vi.useFakeTimers({ toFake: ["performance", "setTimeout", "clearTimeout"] });
    const fetch = hangingFetch();
    const c = client(fetch);
    const outcome = (p: Promise<unknown>) => {
      const box: { error?: unknown; settled: boolean } = { settled: false };
      p.catch((e) => {
        box.error = e;
        box.settled = true;
      });
      return box;
    };
    const a = outcome(get(c, { timeoutMs: 1_000 }));
    await vi.advanceTimersByTimeAsync(5);
    const b = outcome(get(c, { timeoutMs: 1_000 })); // 5 ms later: within a's window of 10 ms
    await vi.advanceTimersByTimeAsync(6);
    const late = outcome(get(c, { timeoutMs: 1_000 })); // 11 ms after a: past its window
    const short = outcome(get(c, { timeoutMs: 500 })); // due before a: never joins it
    const long = outcome(get(c, { timeoutMs: 60_000 }));
    expect(fetch.signals[1]).toBe(fetch.signals[0]);
    expect(new Set(fetch.signals.slice(1)).size).toBe(4);

    await vi.advanceTimersByTimeAsync(500 - 1);
    await settle();
    expect(short.settled).toBe(false); // not one millisecond early
    await vi.advanceTimersByTimeAsync(1 + 5);
    await settle();
    expect(short.error).toBeInstanceOf(TimeoutError);
    expect([a, b, late, long].some((x) => x.settled)).toBe(false);

    // a was started at 0, b at 5: their shared controller aborts at 1 010, when both are due.
    await vi.advanceTimersByTimeAsync(1_004 - 516);
    await settle();
    expect(b.settled).toBe(false);
    expect(a.settled).toBe(false); // a may run late by its window, never early
    await vi.advanceTimersByTimeAsync(1_010 - 1_004);
    await settle();
    expect(a.error).toBeInstanceOf(TimeoutError);
    expect(b.error).toBeInstanceOf(TimeoutError);
    expect((a.error as TimeoutError).timeoutMs).toBe(1_000);
    expect(late.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(30);
    await settle();
    expect(late.error).toBeInstanceOf(TimeoutError);
    expect(long.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    expect(long.error).toBeInstanceOf(TimeoutError);
  });

  it("a timeout longer than setTimeout's limit (about 24.8 days) is waited for, not cut short", async () => {
    vi.useFakeTimers({ toFake: ["performance", "setTimeout", "clearTimeout"] });
    const fetch = hangingFetch();
    const days = 30;
    let error: unknown;
    get(client(fetch), { timeoutMs: days * 86_400_000 }).catch((e) => {
      error = e;
    });
    await vi.advanceTimersByTimeAsync(25 * 86_400_000);
    await settle();
    expect(error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(5 * 86_400_000 + 20_000);
    await settle();
    expect(error).toBeInstanceOf(TimeoutError);
  });
});

describe("deadlines with the real clock", () => {
  it("a call with a signal of its own gets a controller of its own, aborted by either", async () => {
    const fetch = hangingFetch();
    const c = client(fetch, { timeoutMs: 60_000 });
    const mine = new AbortController();
    const other = new AbortController();
    const first = get(c, { signal: mine.signal }).catch((e) => e);
    const second = get(c, { signal: other.signal }).catch((e) => e);
    const plain = get(c, { timeoutMs: 50 }).catch((e) => e);
    expect(new Set(fetch.signals).size).toBe(3);
    expect(fetch.signals).not.toContain(mine.signal);
    mine.abort(new Error("stop"));
    const aborted = await first;
    expect(aborted).toBeInstanceOf(AbortError);
    expect((aborted.cause as Error).message).toBe("stop");
    expect(fetch.signals[1]!.aborted).toBe(false);
    expect(await plain).toBeInstanceOf(TimeoutError);
    expect(fetch.signals[1]!.aborted).toBe(false);
    other.abort();
    expect(await second).toBeInstanceOf(AbortError);
    expect(deadlineState().inFlight).toBe(0);
  });

  it("the timer holds the process open while a call is in flight, and not after", async () => {
    let answer: (r: Response) => void = () => {};
    const fetch = vi.fn(() => new Promise<Response>((resolve) => (answer = resolve)));
    const pending = get(client(fetch as typeof globalThis.fetch, { timeoutMs: 60_000 }));
    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(deadlineState()).toMatchObject({ inFlight: 1, armed: true, holdsProcess: true });
    answer(json(thing()));
    await pending;
    expect(deadlineState()).toMatchObject({ inFlight: 0, holdsProcess: false });
  });

  it("retried attempts each get a deadline and give it back", async () => {
    const fetch = recordingFetch(json({}, 503), json({}, 503), json(thing()));
    const c = createClient(bundle, {
      baseUrl: "http://api.test",
      fetch,
      timeoutMs: 1_000,
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 1 },
    });
    const result = await get(c);
    expect(result.status).toBe(200);
    expect(fetch.calls).toHaveLength(3);
    expect(deadlineState().inFlight).toBe(0);
  });

  it("a process whose calls are done exits at once, one with a call in flight stays until it times out", async () => {
    const run = (script: string) =>
      new Promise<{ code: number | null; stdout: string; exitedAt: number }>((resolve, reject) => {
        const child = execFile(
          process.execPath,
          [
            "--conditions=@trustspec/source",
            "--import",
            "tsx",
            "--input-type=module",
            "-e",
            script,
          ],
          { cwd: join(here, ".."), timeout: 60_000 },
          (error, stdout) => {
            if (error?.killed) reject(new Error(`timed out: ${stdout}`));
            else resolve({ code: child.exitCode, stdout, exitedAt: Date.now() });
          },
        );
      });
    const setup = `
      import { createServer } from "node:http";
      import { callOperation, createClient } from "./src/index.ts";
      import { bundle, getThing, thing } from "./test/fixtures.ts";
    `;
    // A call with a 60 s timeout answered at once: nothing waits for the timeout afterwards.
    const done = run(`${setup}
      const server = createServer((req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(thing(1)));
      });
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      const c = createClient(bundle, { baseUrl: "http://127.0.0.1:" + server.address().port, timeoutMs: 60_000 });
      const r = await callOperation(c, getThing, { path: { id: 1 } });
      server.close();
      server.closeAllConnections();
      console.log("status", r.status, "done at", Date.now());
    `);
    // A fetch that holds nothing open and never answers: only the deadline keeps the process
    // alive until the timeout fires.
    const hanging = run(`${setup}
      const fetch = (_url, init) => new Promise((_, reject) =>
        init.signal.addEventListener("abort", () => reject(init.signal.reason)));
      const c = createClient(bundle, { baseUrl: "http://api.test", fetch, timeoutMs: 300 });
      const error = await callOperation(c, getThing, { path: { id: 1 } }).catch((e) => e);
      console.log(error.name, error.timeoutMs);
    `);
    // Both run at once; each child needs a few seconds to start on a busy machine.
    const [finished, waited] = await Promise.all([done, hanging]);
    expect(finished.stdout).toContain("status 200");
    expect(finished.code).toBe(0);
    // The process ended right after the call, not when the 60 s timeout would have run out.
    const doneAt = Number(/done at (\d+)/.exec(finished.stdout)?.[1]);
    expect(finished.exitedAt - doneAt).toBeLessThan(10_000);
    expect(waited.stdout).toContain("TimeoutError 300");
    expect(waited.code).toBe(0);
  }, 90_000);
});
