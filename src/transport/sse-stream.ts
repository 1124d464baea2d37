import type { ServerResponse } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** The SDK's default: a comment line this often keeps proxies from closing an idle stream. */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/** One `text/event-stream` response: MCP messages as `event: message` frames, optionally with event ids. */
export class SseStream {
  private keepAlive?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    headers: Record<string, string>,
    private readonly keepAliveMs: number | undefined,
  ) {
    res.writeHead(200, { ...SSE_HEADERS, ...headers });
    // Most answers are ready within this turn of the event loop: corked, the headers, the event and the end of
    // the stream leave in one write (three syscalls were a quarter of the server's CPU in bench/ profiles). A
    // slower answer still shows the client its 200 right after this turn.
    res.cork();
    this.firstTurn = setImmediate(() => this.uncork(true));
  }

  /** False once the client went away or the stream was ended. */
  get open(): boolean {
    return !this.ended && !this.res.writableEnded && !this.res.destroyed;
  }

  /** Runs `listener` once when the stream stops, for whatever reason. */
  onStop(listener: () => void): void {
    if (!this.open) listener();
    else this.res.once("close", listener);
  }

  send(message: JSONRPCMessage, eventId?: string): boolean {
    return this.write(`event: message\n${eventId ? `id: ${eventId}\n` : ""}data: ${JSON.stringify(message)}\n\n`);
  }

  /** SEP-1699's priming event: an id the client can resume from, and how soon to come back. */
  prime(eventId: string, retryMs?: number): void {
    this.write(`id: ${eventId}\n${retryMs === undefined ? "" : `retry: ${retryMs}\n`}data: \n\n`);
  }

  /** Sends what is corked now instead of at the end of the turn. */
  flush(): void {
    this.uncork(true);
  }

  end(): void {
    if (this.ended) return;
    this.stop();
    if (!this.res.writableEnded) this.res.end();
    this.uncork(false);
  }

  private corked = true;
  private wrote = false;
  private firstTurn?: NodeJS.Immediate;

  private uncork(afterTurn: boolean): void {
    if (!this.corked) return;
    this.corked = false;
    if (this.firstTurn) clearImmediate(this.firstTurn);
    this.firstTurn = undefined;
    // `headersSent` turns true at writeHead(), long before anything leaves: track the first write ourselves.
    if (afterTurn && this.open && !this.wrote) this.res.flushHeaders();
    this.res.uncork();
    // Only a stream still open after its first turn needs keep-alive comments: the timer per answer, armed for
    // answers that were over before it could fire, showed in profiles.
    if (afterTurn && this.open) this.armKeepAlive();
  }

  private armKeepAlive(): void {
    const every = this.keepAliveMs;
    if (!every || every <= 0) return;
    this.keepAlive = setInterval(() => this.write(": keepalive\n\n"), every);
    this.keepAlive.unref();
    this.res.once("close", () => this.stop());
  }

  private stop(): void {
    this.ended = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  private write(chunk: string): boolean {
    if (!this.open) return false;
    this.wrote = true;
    this.res.write(chunk);
    return true;
  }
}
