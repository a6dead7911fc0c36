/**
 * Timeouts of in-flight calls, kept by one timer for all of them.
 *
 * A timer and an abort controller per call are among the larger costs of a call (fetch does
 * extra work for every signal it is given: measured against a local server, a fresh controller
 * per call costs several per cent of the call), yet almost no call ever times out. So:
 *
 * - one timer is armed for the earliest deadline of the calls in flight; a call whose deadline is
 *   later than the armed one costs a set insertion and removal. When the timer fires it aborts
 *   what is due and re-arms itself for the next deadline, if any;
 * - calls without a signal of their own whose deadlines fall within a short window of each other
 *   share one abort controller (a {@link Deadline} with several users). The window opens at the
 *   first call's deadline and the controller aborts when it closes, so every call it aborts is
 *   past its own deadline: a timeout never fires early and at most one window late (1/100 of
 *   the timeout, and never more than 10 ms). At most {@link MAX_JOINS} calls share a controller.
 *   A call with its own signal gets a controller of its own.
 *
 * The timer keeps the process alive only while some call is in flight, as a timer per call did.
 * Deadlines are read from the monotonic clock, so a change of the wall clock does not move them.
 */

/** One deadline: aborts `controller` once `at` (monotonic milliseconds) has passed. */
export interface Deadline {
  readonly at: number;
  readonly controller: AbortController;
  /** Set when the deadline aborted the controller. */
  timedOut: boolean;
  /** Calls in flight under this deadline. */
  users: number;
  /** Calls that ever joined it (each leaves an abort listener on the signal until it is collected). */
  joins: number;
}

/** The longest delay `setTimeout` takes as it is (2^31 - 1 ms); longer ones are re-armed. */
const MAX_DELAY = 2_147_483_647;
/** The widest window of deadlines that share a controller, in milliseconds. */
const MAX_WINDOW = 10;
/**
 * How many calls may share one controller. fetch leaves a listener on the signal of every call
 * until its request is garbage-collected and looks through them on each new call, so a signal
 * with many listeners costs more than it saves; a handful is the sweet spot (measured against the
 * licence benchmark's server: sharing among 4 calls costs about a sixth of a fresh controller per
 * call, among 32 about half).
 */
const MAX_JOINS = 4;

/** Deadlines with calls in flight, and the one calls may still join. */
const watched = new Set<Deadline>();
/** The deadline the next call without a signal of its own may join. */
let open: Deadline | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
/**
 * Node's timers can stop holding the process (`ref`/`unref`/`hasRef`); browsers' and workers'
 * timers are plain numbers, for which these do nothing.
 */
type NodeTimer = { ref?(): unknown; unref?(): unknown; hasRef?(): boolean };
/** Makes the armed timer hold the process open, or stop holding it. */
const hold = (on: boolean) => (timer as NodeTimer | undefined)?.[on ? "ref" : "unref"]?.();
/** When the armed timer fires; `Infinity` when none is armed. */
let timerAt = Infinity;
/** Calls in flight under any deadline. */
let inFlight = 0;

/**
 * A deadline `timeoutMs` from now for one call; `shared` lets it share the controller of other
 * calls with nearly the same deadline. The caller must {@link releaseDeadline} it when the call
 * is over, whatever the outcome.
 */
export function acquireDeadline(timeoutMs: number, shared: boolean): Deadline {
  const at = performance.now() + timeoutMs;
  if (inFlight++ === 0) hold(true);
  const o = open;
  // Joining never makes a timeout early (the shared deadline is not before this call's) and at
  // most one window of this call's timeout late.
  if (
    shared &&
    o !== undefined &&
    at <= o.at &&
    o.at - at <= windowOf(timeoutMs) &&
    o.joins < MAX_JOINS &&
    !o.timedOut
  ) {
    o.users++;
    o.joins++;
    return o;
  }
  const deadline: Deadline = {
    at: shared ? at + windowOf(timeoutMs) : at,
    controller: new AbortController(),
    timedOut: false,
    users: 1,
    joins: 1,
  };
  watched.add(deadline);
  if (shared) {
    if (o !== undefined && o.users === 0) watched.delete(o);
    open = deadline;
  }
  if (deadline.at < timerAt) arm(deadline.at);
  return deadline;
}

/** Ends one call's use of a deadline (it finished, failed or was aborted). */
export function releaseDeadline(deadline: Deadline): void {
  if (--inFlight === 0) hold(false);
  // The armed timer stays: the next call most likely has a later deadline and needs no timer
  // of its own; it only stops holding the process open.
  if (--deadline.users === 0 && deadline !== open) watched.delete(deadline);
}

/**
 * For tests: calls in flight under a deadline, deadlines kept, whether a timer is armed and
 * whether it holds the process open.
 */
export function deadlineState(): {
  inFlight: number;
  watched: number;
  armed: boolean;
  holdsProcess: boolean;
} {
  return {
    inFlight,
    watched: watched.size,
    armed: timer !== undefined,
    holdsProcess: (timer as NodeTimer | undefined)?.hasRef?.() ?? false,
  };
}

function windowOf(timeoutMs: number): number {
  return Math.min(MAX_WINDOW, timeoutMs / 100);
}

function arm(at: number): void {
  if (timer !== undefined) clearTimeout(timer);
  timerAt = at;
  const delay = Math.min(MAX_DELAY, Math.max(1, Math.ceil(at - performance.now())));
  timer = setTimeout(expire, delay);
  if (inFlight === 0) hold(false);
}

function expire(): void {
  timer = undefined;
  timerAt = Infinity;
  const now = performance.now();
  let next = Infinity;
  for (const deadline of watched) {
    if (deadline.at <= now) {
      watched.delete(deadline);
      if (deadline === open) open = undefined;
      if (deadline.users > 0) {
        deadline.timedOut = true;
        deadline.controller.abort();
      }
    } else if (deadline.at < next) {
      next = deadline.at;
    }
  }
  if (next !== Infinity) arm(next);
}
