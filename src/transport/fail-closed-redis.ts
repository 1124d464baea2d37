import type { ChainableCommander } from "ioredis";
import type { Logger } from "../contracts/logger";
import { SessionStoreUnavailableError } from "../errors";

const DEGRADED_LOG_INTERVAL_MS = 30_000;

/**
 * How shared sessions use Redis: any failure of it is the 503 of fail-closed sessions (never a session served
 * from what this instance last knew), logged at most every 30 s so an outage does not flood the log.
 */
export class FailClosedRedis {
  private lastLog = 0;

  constructor(private readonly logger: Logger) {}

  /** Runs a Redis operation; its failure becomes {@link SessionStoreUnavailableError}. */
  async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      this.degraded(err as Error);
      throw new SessionStoreUnavailableError();
    }
  }

  /** Runs a MULTI; its results, or the 503. */
  exec(m: ChainableCommander): Promise<unknown[]> {
    return this.guard(async () => {
      const results = (await m.exec()) ?? [];
      for (const [err] of results) if (err) throw err;
      return results.map(([, value]) => value);
    });
  }

  degraded(err: Error): void {
    const now = Date.now();
    if (now - this.lastLog < DEGRADED_LOG_INTERVAL_MS) return;
    this.lastLog = now;
    this.logger.warn({ event: "sessions.degraded", error: err?.message }, "Redis sessions unavailable: stateful requests answer 503");
  }
}
