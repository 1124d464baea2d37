import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { Connection, type Peer } from "../core/connection";
import { TransportError } from "../errors";
import type { ResumableStream } from "./resumable-stream";
import { SseStream } from "./sse-stream";

export interface StreamSettings {
  eventStore?: EventStore;
  keepAliveMs?: number;
}

/**
 * One stateful Streamable HTTP session: its {@link Connection}, the principal that opened it, its standalone GET
 * stream (where messages tied to no request go) and its POST streams that a client may resume.
 */
export class HttpSession implements Peer {
  readonly connection: Connection;
  lastSeen = Date.now();
  private standalone?: SseStream;
  private readonly standaloneId = randomUUID();
  private readonly streams = new Map<string, ResumableStream>();

  constructor(
    readonly id: string,
    /** `strategy\0subject` of the opener; requests from anyone else are answered as for an unknown session. */
    readonly principal: string,
    private readonly settings: StreamSettings,
  ) {
    this.connection = new Connection("http", this, id);
  }

  get headers(): Record<string, string> {
    return { "mcp-session-id": this.id };
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const store = this.settings.eventStore;
    const eventId = store ? await store.storeEvent(this.standaloneId, message) : undefined;
    this.standalone?.send(message, eventId);
  }

  track(stream: ResumableStream): void {
    this.streams.set(stream.id, stream);
  }

  untrack(stream: ResumableStream): void {
    this.streams.delete(stream.id);
  }

  /** `GET` without `Last-Event-ID`: the one standalone stream of the session (409 while another is open). */
  openStandalone(res: ServerResponse): void {
    if (this.standalone?.open) throw new TransportError("stream_conflict", "Conflict: Only one SSE stream is allowed per session");
    this.standalone = new SseStream(res, this.headers, this.settings.keepAliveMs);
  }

  /** `GET` with `Last-Event-ID`: replays what the client missed, then carries the rest of that stream. */
  async resume(lastEventId: string, res: ServerResponse): Promise<void> {
    const store = this.settings.eventStore!;
    const stream = new SseStream(res, this.headers, this.settings.keepAliveMs);
    const streamId = await store.replayEventsAfter(lastEventId, { send: async (eventId, message) => void stream.send(message, eventId) });
    if (streamId === this.standaloneId) {
      this.standalone?.end();
      this.standalone = stream;
      return;
    }
    const live = this.streams.get(streamId);
    if (live && !live.done) live.attach(stream);
    else stream.end();
  }

  close(): void {
    this.connection.close();
    this.standalone?.end();
    for (const stream of this.streams.values()) stream.finish();
    this.streams.clear();
  }
}
