import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Relay } from "../core/connection";
import type { MessageSink } from "./deferred-sse";
import type { SseStream } from "./sse-stream";

/** Lets other instances carry on a stream whose response ended here (sessions shared through Redis). */
export interface StreamMirror {
  /** A message stored while no response of this instance carries the stream. */
  sent(streamId: string, eventId: string, message: JSONRPCMessage): Promise<void>;
  /** Every request of the stream is answered. */
  finished(streamId: string): void;
}

/**
 * The SSE answer to one POST, as a {@link Relay} for the requests it carried. With an event store every message
 * gets an event id and is kept, so the HTTP response carrying it may end early (the client lost it, or a tool
 * called `closeSSEStream()`) and a later `GET` with `Last-Event-ID` picks the stream up where it stopped.
 */
export class ResumableStream implements Relay {
  readonly open = true;
  readonly closeStream?: () => void;
  private finished = false;

  constructor(
    /** The stream's id in the event store (no `_`: the SDK's example store splits event ids on it). */
    readonly id: string,
    private current: MessageSink | undefined,
    private readonly store: EventStore | undefined,
    closable: boolean,
    private readonly mirror?: StreamMirror,
  ) {
    if (closable) this.closeStream = () => this.detach();
  }

  get done(): boolean {
    return this.finished;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const eventId = this.store ? await this.store.storeEvent(this.id, message) : undefined;
    const delivered = this.current?.send(message, eventId) ?? false;
    if (!delivered && eventId && this.mirror) await this.mirror.sent(this.id, eventId, message);
  }

  /** A resumed stream takes over; if everything was already answered, the replay was all there was to say. */
  attach(stream: SseStream): void {
    this.current?.end();
    this.current = stream;
    if (this.finished) stream.end();
  }

  /** Every request of the POST is answered: end whichever response carries the stream now. */
  finish(): void {
    this.finished = true;
    this.detach();
    this.mirror?.finished(this.id);
  }

  private detach(): void {
    this.current?.end();
    this.current = undefined;
  }
}
