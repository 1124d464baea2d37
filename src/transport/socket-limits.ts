import type { Server, ServerOptions } from "node:http";
import type { Logger } from "../contracts/logger";
import { ConfigurationError } from "../errors";

/**
 * How long the node:http server `listen()` creates waits for a client. Node applies `headersMs` and `requestMs`
 * only while a request is being *received*: once its body is in, a long tool call or an SSE stream that stays
 * open for hours is not cut.
 *
 * @example
 * ```ts
 * await server.listen({ port: 3000, timeouts: { headersMs: 5_000, requestMs: 20_000, idleMs: 65_000 }, maxConnections: 2_000 })
 * ```
 */
export interface SocketTimeouts {
  /** A request's headers must arrive within this (slow-loris, and sockets that never send a byte). Default 10 s. */
  headersMs?: number;
  /** A request's headers and body must arrive within this. Default 30 s. */
  requestMs?: number;
  /**
   * A kept-alive socket with no new request for this long is closed (Node's `keepAliveTimeout`). Default 5 s;
   * behind a load balancer set it above the balancer's idle timeout, or the balancer may reuse a closed socket.
   */
  idleMs?: number;
}

/**
 * The bounds `listen()` sets on its node:http server (`handler()` users set them on their own server).
 *
 * @example
 * ```ts
 * await server.listen({ port: 3000, maxConnections: 5_000 })
 * ```
 */
export interface SocketLimits {
  timeouts?: SocketTimeouts;
  /** Most open sockets; a connection above it is closed as soon as it is accepted. Default 10,000. */
  maxConnections?: number;
}

/** What `listen()` hands to `http.createServer` and sets on the server it returns. */
export interface NodeServerLimits {
  options: ServerOptions;
  keepAliveTimeout: number;
  maxConnections: number;
}

const positive = (value: number | undefined, fallback: number, name: string): number => {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new ConfigurationError(`${name} must be a positive number of milliseconds`);
  return v;
};

/** Checks the limits once, at `listen()`, and turns them into node:http settings. */
export function nodeServerLimits(limits: SocketLimits): NodeServerLimits {
  const t = limits.timeouts ?? {};
  const headersTimeout = positive(t.headersMs, 10_000, "timeouts.headersMs");
  const requestTimeout = positive(t.requestMs, 30_000, "timeouts.requestMs");
  if (headersTimeout > requestTimeout) throw new ConfigurationError("timeouts.headersMs must not exceed timeouts.requestMs");
  const keepAliveTimeout = positive(t.idleMs, 5_000, "timeouts.idleMs");
  const maxConnections = limits.maxConnections ?? 10_000;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new ConfigurationError("maxConnections must be a whole number ≥ 1");
  // Node enforces both timeouts from a periodic sweep (30 s by default), so a 10 s limit could hold for 40 s.
  const connectionsCheckingInterval = Math.max(25, Math.min(1_000, Math.floor(headersTimeout / 4)));
  return { options: { headersTimeout, requestTimeout, connectionsCheckingInterval }, keepAliveTimeout, maxConnections };
}

const DROP_LOG_INTERVAL_MS = 30_000;

/**
 * Sets the limits Node takes as properties, and reports sockets refused at the cap: at warn level, at most once
 * per 30 s with the count since the last line, so a flood does not become a flood of log lines.
 */
export function applySocketLimits(server: Server, limits: NodeServerLimits, logger: Logger): void {
  server.keepAliveTimeout = limits.keepAliveTimeout;
  server.maxConnections = limits.maxConnections;
  let dropped = 0;
  let last = 0;
  server.on("drop", () => {
    dropped++;
    const now = Date.now();
    if (now - last < DROP_LOG_INTERVAL_MS) return;
    last = now;
    logger.warn({ event: "http.connections_capped", maxConnections: limits.maxConnections, dropped }, "connections refused: maxConnections reached");
    dropped = 0;
  });
}
