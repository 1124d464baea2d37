import type { ServerResponse } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { SseStream } from "./sse-stream";

/** Where a POST's messages go: an SSE stream, or one that decides late whether it needs to be one. */
export interface MessageSink {
  /** False when the message could not be delivered (the client is gone, or the answer was already written). */
  send(message: JSONRPCMessage, eventId?: string): boolean;
  end(): void;
}

const isResponse = (m: JSONRPCMessage) => !("method" in m);

/**
 * The answer to a stateful POST that is not resumable, held until the end of the event-loop turn it arrived in.
 * If by then only its answers are ready — nearly every call — they leave as one `application/json` body, with the
 * HTTP status a lone error maps to, as in `jsonResponse` mode; the spec lets the server pick either form for any
 * POST, and every client must read both. Anything else (progress, a log line, a server→client request, or an
 * answer that takes longer) turns it into the SSE stream it would have been, messages held so far first.
 * An SSE answer cost a quarter more CPU than a JSON one in bench/ profiles: headers, chunked framing, the stream.
 */
export class DeferredSse implements MessageSink {
  private sse?: SseStream;
  private held: JSONRPCMessage[] = [];
  private done = false;
  private readonly turn: NodeJS.Immediate;

  constructor(
    private readonly res: ServerResponse,
    private readonly headers: Record<string, string>,
    private readonly keepAliveMs: number | undefined,
    private readonly writeJson: (res: ServerResponse, answers: JSONRPCMessage[]) => void,
  ) {
    this.turn = setImmediate(() => this.upgrade(true));
  }

  send(message: JSONRPCMessage): boolean {
    if (this.sse) return this.sse.send(message);
    if (this.done || this.res.destroyed) return false;
    this.held.push(message);
    if (!isResponse(message)) this.upgrade(false);
    return true;
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    clearImmediate(this.turn);
    if (!this.sse && this.held.every(isResponse)) {
      if (!this.res.destroyed) this.writeJson(this.res, this.held);
      this.held = [];
      return;
    }
    this.upgrade(false);
    this.sse!.end();
  }

  private upgrade(afterTurn: boolean): void {
    if (this.sse) return;
    this.sse = new SseStream(this.res, this.headers, this.keepAliveMs);
    for (const message of this.held) this.sse.send(message);
    this.held = [];
    // A turn has passed: the client should see its 200 now rather than one turn later.
    if (afterTurn) this.sse.flush();
  }
}
