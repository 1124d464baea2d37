import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { Connection, type Peer } from "../core/connection";
import { TransportError } from "../errors";
import type { ResumableStream, StreamMirror } from "./resumable-stream";
import { SseStream } from "./sse-stream";

export interface StreamSettings {
  eventStore?: EventStore;
  keepAliveMs?: number;
  /** Present when the session is shared by several instances (Redis sessions). */
  sharing?: SessionSharing;
}

/** What a session shared by several instances needs from the others. */
export interface SessionSharing {
  /** The standalone stream's id, the same on every instance. */
  readonly standaloneId: string;
  /** Tells the other instances of this session's POST streams that outlive their response. */
  readonly mirror: StreamMirror;
  /**
   * Whether this instance may carry the standalone stream, as one instance answers a second `GET` with 409: not
   * while another live instance holds it (a dead one's claim lapses at once). `force` (a client resuming that very
   * stream) takes it over. The others end theirs, so nothing is delivered twice.
   */
  claimStandalone(session: HttpSession, force: boolean): Promise<boolean>;
  /** This instance's standalone stream stopped: the next `GET` may be carried anywhere. */
  releaseStandalone(session: HttpSession): void;
  /**
   * Starts following a stream some other instance may still be writing (registered before the replay reads the
   * store, so nothing falls between); `start` carries it on after the replay, `stop` when it was not needed.
   */
  follow(lastEventId: string, stream: SseStream): { seen(eventId: string): void; start(): Promise<void>; stop(): void };
}

/**
 * One stateful Streamable HTTP session: its {@link Connection}, the principal that opened it, its standalone GET
 * stream (where messages tied to no request go) and its POST streams that a client may resume.
 */
export class HttpSession implements Peer {
  readonly connection: Connection;
  lastSeen = Date.now();
  private standalone?: SseStream;
  private readonly standaloneId: string;
  private readonly streams = new Map<string, ResumableStream>();

  constructor(
    readonly id: string,
    /** `strategy\0subject` of the opener; requests from anyone else are answered as for an unknown session. */
    readonly principal: string,
    private readonly settings: StreamSettings,
  ) {
    this.connection = new Connection("http", this, id);
    this.standaloneId = settings.sharing?.standaloneId ?? randomUUID();
  }

  /** How this session is shared with other instances, if it is. */
  get sharing(): SessionSharing | undefined {
    return this.settings.sharing;
  }

  get headers(): Record<string, string> {
    return { "mcp-session-id": this.id };
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Shared: only the instance carrying the standalone stream keeps and delivers, or each would.
    if (this.settings.sharing && !this.standalone?.open) return;
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

  /**
   * `GET` without `Last-Event-ID`: the one standalone stream of the session (409 while another is open, here or,
   * for a shared session, on another live instance).
   */
  async openStandalone(res: ServerResponse): Promise<void> {
    const sharing = this.settings.sharing;
    if (this.standalone?.open || (sharing && !(await sharing.claimStandalone(this, false))) || this.standalone?.open)
      throw new TransportError("stream_conflict", "Conflict: Only one SSE stream is allowed per session");
    this.carry(new SseStream(res, this.headers, this.settings.keepAliveMs));
  }

  private carry(stream: SseStream): void {
    this.standalone?.end();
    this.standalone = stream;
    const sharing = this.settings.sharing;
    if (sharing) stream.onStop(() => this.standalone === stream && sharing.releaseStandalone(this));
  }

  /** Another instance took the standalone stream over. */
  endStandalone(): void {
    this.standalone?.end();
  }

  /** `GET` with `Last-Event-ID`: replays what the client missed, then carries the rest of that stream. */
  async resume(lastEventId: string, res: ServerResponse): Promise<void> {
    const store = this.settings.eventStore!;
    const stream = new SseStream(res, this.headers, this.settings.keepAliveMs);
    const follow = this.settings.sharing?.follow(lastEventId, stream);
    const streamId = await store.replayEventsAfter(lastEventId, {
      send: async (eventId, message) => {
        follow?.seen(eventId);
        stream.send(message, eventId);
      },
    });
    if (streamId === this.standaloneId) {
      follow?.stop();
      // The client carrying on that very stream: wherever it was held, the holder is gone or about to be.
      if (this.settings.sharing && !(await this.settings.sharing.claimStandalone(this, true))) return stream.end();
      this.carry(stream);
      return;
    }
    const live = this.streams.get(streamId);
    if (live && !live.done) {
      follow?.stop();
      live.attach(stream);
    } else if (follow && streamId) await follow.start();
    else {
      follow?.stop();
      stream.end();
    }
  }

  close(): void {
    this.connection.close();
    this.standalone?.end();
    for (const stream of this.streams.values()) stream.finish();
    this.streams.clear();
  }
}
