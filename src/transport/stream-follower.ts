import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { entryOrder, type RedisEventStore } from "./redis-event-store";
import type { SseStream } from "./sse-stream";

const EVENT_ID = /^([0-9a-f-]{36})_(\d{1,16}-\d{1,16})$/;

/**
 * Carries on, at this instance, a POST's SSE stream that another instance is still writing: its messages come
 * over the session bus while no response there carries them. It listens before the replay reads the store and
 * keeps only what comes after the last replayed event, so nothing is lost or sent twice in between.
 */
export class StreamFollower {
  readonly streamId: string;
  private last: string;
  private live = false;
  private ended = false;
  private readonly buffer: { id: string; message: JSONRPCMessage }[] = [];
  private quiet?: NodeJS.Timeout;

  constructor(
    lastEventId: string,
    private readonly stream: SseStream,
    private readonly store: RedisEventStore,
    private readonly release: (follower: StreamFollower) => void,
    /** A writer that died never marks its stream complete: after this long without an event, stop waiting. */
    private readonly quietMs: number,
  ) {
    const parsed = EVENT_ID.exec(lastEventId);
    this.streamId = parsed?.[1] ?? "";
    this.last = parsed?.[2] ?? "0-0";
    stream.onStop(() => {
      if (this.quiet) clearTimeout(this.quiet);
      this.release(this);
    });
  }

  /** An event the replay sent. */
  seen(eventId: string): void {
    const entry = EVENT_ID.exec(eventId)?.[2];
    if (entry && entryOrder(entry, this.last) > 0) this.last = entry;
  }

  /** From the bus: another instance stored `message` on this stream. */
  event(eventId: string, message: JSONRPCMessage): void {
    const entry = EVENT_ID.exec(eventId)?.[2];
    if (!entry) return;
    if (!this.live) this.buffer.push({ id: entry, message });
    else this.forward(entry, message);
  }

  /** From the bus: the stream is complete. */
  end(): void {
    this.ended = true;
    if (this.live) this.finish();
  }

  /** After the replay: what came in meanwhile, then live; ends at once if the stream was already complete. */
  async start(): Promise<void> {
    this.live = true;
    this.arm();
    for (const { id, message } of this.buffer.splice(0)) this.forward(id, message);
    if (this.ended || (await this.store.finished(this.streamId))) this.finish();
  }

  stop(): void {
    this.release(this);
  }

  private forward(entry: string, message: JSONRPCMessage): void {
    if (entryOrder(entry, this.last) <= 0) return;
    this.last = entry;
    this.stream.send(message, `${this.streamId}_${entry}`);
    this.arm();
  }

  private arm(): void {
    if (this.quiet) clearTimeout(this.quiet);
    this.quiet = setTimeout(() => this.finish(), this.quietMs);
    this.quiet.unref();
  }

  private finish(): void {
    if (this.quiet) clearTimeout(this.quiet);
    this.release(this);
    this.stream.end();
  }
}
