import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../contracts/logger";
import type { ListKind } from "../core/connection-registry";

/** What instances sharing sessions tell each other, on one pub/sub channel. */
export type BusMessage =
  | { t: "state"; from: string; sid: string; change: Record<string, unknown> }
  | { t: "gone"; sid: string }
  | { t: "updated"; uri: string }
  | { t: "list"; kind: ListKind }
  | { t: "answer"; sid: string; to: string; message: { id: string | number } }
  | { t: "standalone"; from: string; sid: string }
  | { t: "cancel"; from: string; sid: string; id: string | number; reason?: string }
  | { t: "event"; stream: string; id: string; message: unknown }
  | { t: "end"; stream: string };

/**
 * The pub/sub channel of the instances that share sessions through Redis. Publishing goes over the command
 * connection (in the same MULTI as the write it announces, where there is one); a second connection only
 * listens. `healthy` is false while either is down, and stateful requests are then refused (503): an instance
 * that cannot hear the others cannot know whether a session was deleted or changed.
 */
export class SessionBus {
  /** This instance, in message `from` fields and in the ids of its server→client requests. */
  readonly instance = randomUUID().slice(0, 8);
  readonly channel: string;
  /**
   * This instance's own channel, which nobody publishes to: while its listener is connected, Redis counts one
   * subscriber there (`PUBSUB NUMSUB`), so the others can tell a live instance from one that died holding a claim.
   */
  readonly presence: string;
  private subscribed = false;
  private readonly waiters = new Set<() => void>();
  /** Bumped at every resubscription: what this instance cached before may have missed a message. */
  generation = 0;

  constructor(
    readonly redis: Redis,
    private readonly listener: Redis,
    keyPrefix: string,
    private readonly onMessage: (message: BusMessage) => void,
    private readonly logger: Logger,
  ) {
    this.channel = `${keyPrefix}:bus`;
    this.presence = presenceOf(this.channel, this.instance);
    listener.on("message", (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      let message: BusMessage;
      try {
        message = JSON.parse(raw) as BusMessage;
      } catch {
        return;
      }
      try {
        this.onMessage(message);
      } catch (err) {
        this.logger.error({ event: "sessions.bus_error", error: (err as Error)?.message }, "could not apply a session message");
      }
    });
    listener.on("ready", () => this.subscribe());
    redis.on("ready", () => this.wake());
    listener.on("close", () => (this.subscribed = false));
    if (listener.status === "ready") this.subscribe();
  }

  get healthy(): boolean {
    return this.subscribed && this.redis.status === "ready";
  }

  /** Resolves when both connections are up, or after `timeoutMs`. */
  ready(timeoutMs = 2000): Promise<void> {
    if (this.healthy) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const check = () => {
        if (this.healthy) done();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiters.add(check);
    });
  }

  async publish(message: BusMessage): Promise<number> {
    return this.redis.publish(this.channel, JSON.stringify(message));
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private subscribe(): void {
    this.listener.subscribe(this.channel, this.presence).then(
      () => {
        this.subscribed = true;
        this.generation++;
        this.wake();
      },
      (err: Error) => this.logger.warn({ event: "sessions.degraded", error: err?.message }, "session bus not subscribed"),
    );
  }
}

/** The presence channel of an instance on a bus. */
export const presenceOf = (channel: string, instance: string): string => `${channel}:${instance}`;
