import type {
  ClientCapabilities,
  Implementation,
  JSONRPCMessage,
  JSONRPCRequest,
  LoggingLevel,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_NEGOTIATED_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import type { TransportKind } from "../contracts/auth-context";
import { JsonRpcCode, ProtocolError } from "../errors";

/**
 * Where the messages tied to one incoming request go (progress, client logs, server→client requests): the
 * request's own SSE stream over HTTP, the process's stdout on stdio. A relay that is not `open` (a JSON-mode HTTP
 * answer) drops notifications, as the SDK does, and refuses server→client requests.
 */
export interface Relay {
  /** False when nothing sent here can reach the client (a JSON-mode HTTP answer). */
  readonly open: boolean;
  send(message: JSONRPCMessage): Promise<void>;
  /** SEP-1699: end this request's stream now; the client reconnects and the rest is replayed. */
  closeStream?: () => void;
}

/** The connection's channel for messages tied to no request (resource updates, list changes). */
export interface Peer {
  send(message: JSONRPCMessage): Promise<void>;
}

/**
 * One request in flight. Its `AbortSignal` is made only when something asks for it: most calls never look, and
 * an AbortController per request was a visible share of the server's CPU in bench/ profiles.
 */
export class InFlight {
  private controller?: AbortController;
  private reason: unknown;
  private isAborted = false;
  private isExpired = false;

  /** Cancelled by the client or cut by a closed connection: the spec says no answer goes out. */
  get aborted(): boolean {
    return this.isAborted;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted || this.isExpired) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    if (this.isExpired) return;
    this.reason = reason;
    this.controller?.abort(reason);
  }

  /** The server's own deadline passed: the signal aborts with `reason`, yet the request is still answered. */
  expire(reason: Error): void {
    if (this.isAborted || this.isExpired) return;
    this.isExpired = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

/** A change to what a connection negotiated, as handlers make it (`initialize`, `logging/setLevel`, subscribe). */
export interface ConnectionChange {
  protocolVersion?: string;
  clientCapabilities?: ClientCapabilities;
  clientInfo?: Implementation;
  logLevel?: LoggingLevel;
  subscribed?: string;
  unsubscribed?: string;
}

/**
 * Where a connection's state is kept beyond this process (sessions shared by several instances through Redis).
 * Absent for every connection that lives in one process only.
 */
export interface ConnectionStateSink {
  /** Awaited before the request that made the change is answered, so the next request, anywhere, sees it. */
  saved(connection: Connection, change: ConnectionChange): Promise<void>;
  /** A client response that no request of this process awaits: another instance may be waiting for it. */
  unmatched(connection: Connection, message: { id: RequestId }): void;
  /** A cancellation of a request that is not in flight here: it may be on another instance. */
  cancelled(connection: Connection, id: RequestId, reason: unknown): void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * One client as the pipeline sees it — an HTTP session, a stateless HTTP request, the stdio process or an
 * in-memory client — with what the protocol makes per-connection: the negotiated version, the client's
 * capabilities, the log level it chose, its in-flight requests (for cancellation) and the requests the server
 * sent it and awaits. Nothing here is shared between connections, so equal JSON-RPC ids from two clients can
 * never meet.
 */
export class Connection {
  protocolVersion: string = DEFAULT_NEGOTIATED_PROTOCOL_VERSION;
  clientCapabilities: ClientCapabilities | undefined;
  clientInfo: Implementation | undefined;
  /** Set by `logging/setLevel`; client logs below it are dropped. */
  logLevel: LoggingLevel | undefined;
  private readonly inFlight = new Map<RequestId, Set<InFlight>>();
  private inFlightTotal = 0;
  private readonly awaiting = new Map<RequestId, Pending>();
  private readonly closeListeners = new Set<() => void>();
  private nextOutgoingId = 0;
  private isClosed = false;
  /** Set when the connection's state is shared with other instances. */
  sink?: ConnectionStateSink;
  /** Prefix of the ids of server→client requests; instances sharing a session each use their own. */
  outgoingIdPrefix = "mcpcraft-";

  constructor(
    readonly transport: TransportKind,
    /** Absent for stateless HTTP: nothing outlives the request. */
    readonly peer?: Peer,
    readonly sessionId?: string,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** Requests begun and not yet ended (for the `maxInFlightPerSession` cap). */
  get inFlightCount(): number {
    return this.inFlightTotal;
  }

  /** Tracks an incoming request, aborted by `notifications/cancelled` or when the connection closes. */
  begin(id: RequestId): InFlight {
    const flight = new InFlight();
    let same = this.inFlight.get(id);
    if (!same) this.inFlight.set(id, (same = new Set()));
    same.add(flight);
    this.inFlightTotal++;
    return flight;
  }

  end(id: RequestId, flight: InFlight): void {
    const same = this.inFlight.get(id);
    if (!same?.delete(flight)) return;
    this.inFlightTotal--;
    if (same.size === 0) this.inFlight.delete(id);
  }

  /**
   * `notifications/cancelled`: a client reusing an id cancels every in-flight request it sent with it. One not in
   * flight here may run on another instance: unless `forwarded` already, the state sink tells the others.
   */
  cancel(id: RequestId, reason: unknown, forwarded = false): void {
    const same = this.inFlight.get(id);
    if (!same && !forwarded) this.sink?.cancelled(this, id, reason);
    for (const flight of same ?? []) flight.abort(reason);
  }

  /**
   * Sends a server→client request (sampling, elicitation, roots) over `relay` and resolves to its result. The id
   * is the connection's own counter, so it cannot collide with anything the client sent.
   */
  request(relay: Relay, request: { method: string; params?: Record<string, unknown> }, options: { signal?: AbortSignal; timeout?: number } = {}): Promise<unknown> {
    if (this.isClosed) return Promise.reject(new ProtocolError(JsonRpcCode.InternalError, "Connection closed"));
    if (!relay.open)
      return Promise.reject(new ProtocolError(JsonRpcCode.InvalidRequest, `${request.method} needs a connection that can carry server requests (a stateful session with SSE, or stdio)`));
    const id = `${this.outgoingIdPrefix}${++this.nextOutgoingId}`;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => settle(new ProtocolError(JsonRpcCode.InternalError, `Request timed out: ${request.method}`)), options.timeout ?? DEFAULT_REQUEST_TIMEOUT_MS);
      const onAbort = () => settle(options.signal?.reason instanceof Error ? options.signal.reason : new Error("Request aborted"));
      const settle = (err?: Error, result?: unknown) => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        this.awaiting.delete(id);
        if (err) reject(err);
        else resolve(result);
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.awaiting.set(id, { resolve: (r) => settle(undefined, r), reject: (e) => settle(e) });
      const message: JSONRPCRequest = { jsonrpc: "2.0", id, method: request.method, ...(request.params ? { params: request.params } : {}) };
      relay.send(message).catch((err: Error) => settle(err));
    });
  }

  /** Records a change of negotiated state where it must outlive this process (a no-op otherwise). */
  async save(change: ConnectionChange): Promise<void> {
    if (this.sink) await this.sink.saved(this, change);
  }

  /**
   * A response from the client to one of {@link request}'s; false when nothing awaits that id here. Unless it
   * was `forwarded` already, an unmatched one goes to the state sink, which knows the other instances.
   */
  accept(message: { id: RequestId; result?: unknown; error?: { code: number; message: string; data?: unknown } }, forwarded = false): boolean {
    const pending = this.awaiting.get(message.id);
    if (!pending) {
      if (!forwarded) this.sink?.unmatched(this, message);
      return false;
    }
    if (message.error) pending.reject(new ProtocolError(message.error.code, message.error.message, message.error.data));
    else pending.resolve(message.result);
    return true;
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Aborts every in-flight request, fails every awaited one and tells the listeners; idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const same of this.inFlight.values()) for (const flight of same) flight.abort(new Error("Connection closed"));
    this.inFlight.clear();
    this.inFlightTotal = 0;
    for (const pending of [...this.awaiting.values()]) pending.reject(new ProtocolError(JsonRpcCode.InternalError, "Connection closed"));
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
  }
}
