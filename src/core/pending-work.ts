/** How long `close()` lets in-flight requests finish when no `timeoutMs` is given. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** `server.close({ timeoutMs })`: how long calls in flight may finish before their signals are aborted. */
export interface CloseOptions {
  /**
   * Milliseconds in-flight requests may still take to finish; then their `ctx.signal` aborts and their
   * connections close. Default 10 000; 0 aborts them at once.
   */
  timeoutMs?: number;
}

/** What a drain came to (logged as `server.drain` when it had to cut requests). */
export interface DrainResult {
  /** True when every in-flight request finished before the deadline. */
  drained: boolean;
  /** Requests still running at the deadline, whose signals were aborted. */
  aborted: number;
}

/**
 * The requests one listener is still answering, so a graceful close can wait for them: counted from arrival
 * until their answer is written, with no per-request allocation beyond the count.
 */
export class PendingWork {
  private count = 0;
  private readonly waiters = new Set<() => void>();

  get size(): number {
    return this.count;
  }

  /** Counts `work` until it settles, and hands it back untouched (one extra reaction per request, no wrapper). */
  add<T>(work: Promise<T>): Promise<T> {
    this.count++;
    work.then(this.settled, this.settled);
    return work;
  }

  private readonly settled = (): void => {
    if (--this.count === 0) for (const wake of [...this.waiters]) wake();
  };

  /** True once nothing is pending, false if `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (drained: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(drained);
      };
      const wake = () => finish(true);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      this.waiters.add(wake);
    });
  }
}

/** The deadline of one close: `timeoutMs` if it is one, else the default; capped where timers stop counting. */
export function drainTimeout(options: CloseOptions | undefined): number {
  const ms = options?.timeoutMs;
  // setTimeout fires at once for delays past 2^31-1 ms: `Infinity` must mean "a very long time", not "now".
  return typeof ms === "number" && ms >= 0 ? Math.min(ms, 2 ** 31 - 1) : DEFAULT_DRAIN_TIMEOUT_MS;
}
