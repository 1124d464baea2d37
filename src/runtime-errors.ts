import { McpcraftError } from "./contracts/mcpcraft-error";

// Limits hit at run time (deadlines, quotas, caps, unreachable stores): each has its row in errors.ts's table.

/**
 * The strategy or `authenticate` hook did not settle within `authenticationTimeoutMs`: HTTP 503 with
 * `Retry-After` / JSON-RPC -32034. Never an admission, and not counted as a failed authentication.
 *
 * @example
 * ```ts
 * createServer({ name: "api", authenticationTimeoutMs: 3_000, authenticate: (h) => directory.lookUp(h["x-api-key"]) })
 * ```
 */
export class AuthenticationTimeoutError extends McpcraftError {
  constructor(readonly retryAfterSeconds = 5) {
    super("authentication_timeout", "Authentication timed out");
  }
}

/**
 * Sessions are kept in Redis (`sessions: { redis }`) and it is unreachable: 503 + `Retry-After`, fail closed. *
 * @example
 * ```ts
 * // Redis sessions, Redis down: every stateful request answers 503 + Retry-After instead of guessing
 * await server.listen({ port: 3000, sessions: { redis: process.env.REDIS_URL! } })
 * ```

 *
 * @example
 * ```ts
 * // Redis sessions, Redis down: every stateful request answers 503 + Retry-After instead of guessing
 * await server.listen({ port: 3000, sessions: { redis: process.env.REDIS_URL! } })
 * ```
 */
export class SessionStoreUnavailableError extends McpcraftError {
  constructor(readonly retryAfterSeconds = 2) {
    super("session_store_unavailable", "Session store unavailable");
  }
}

/**
 * A principal called a tool more often than its quota (`@RateLimit`, `tool({ rateLimit })`, `quotas.default`)
 * allows: JSON-RPC -32032, in-band, with `data: { retryAfterSeconds, tool }`.
 *
 * @example
 * ```ts
 * try { await client.callTool({ name: "search", arguments: { q } }) }
 * catch (err) { if ((err as { code?: number }).code === JsonRpcCode.QuotaExceeded) await retryLater() }
 * ```
 */
export class QuotaExceededError extends McpcraftError {
  constructor(
    readonly tool: string,
    readonly retryAfterSeconds: number,
  ) {
    super("quota_exceeded", `Quota exceeded for tool ${tool}: retry in ${retryAfterSeconds} s`);
  }
}

/**
 * One session (or connection) has more requests in flight than `maxInFlightPerSession`: JSON-RPC -32033, in-band. *
 * @example
 * ```ts
 * await server.listen({ port: 3000, maxInFlightPerSession: 20 })   // the 21st concurrent request: -32033
 * ```

 *
 * @example
 * ```ts
 * await server.listen({ port: 3000, maxInFlightPerSession: 20 })   // the 21st concurrent request: -32033
 * ```
 */
export class TooManyInFlightError extends McpcraftError {
  constructor(readonly maxInFlight: number) {
    super("too_many_in_flight", "Too many requests in flight");
  }
}

/**
 * A tool ran past its deadline (`@Tool({ timeout })`, `tool({ timeout })` or the server's `timeouts.toolMs`):
 * JSON-RPC -32031. The call's `ctx.signal` is aborted with this error, so a tool that listens stops.
 *
 * @example
 * ```ts
 * tool({ name: "report", description: "Build a report", timeout: 30_000,
 *   run: async (_args, ctx) => buildReport({ signal: ctx.signal }) })   // past 30 s: -32031, signal aborted
 * ```
 */
export class ToolTimeoutError extends McpcraftError {
  constructor(
    readonly tool: string,
    readonly timeoutMs: number,
  ) {
    super("tool_timeout", `Tool ${tool} timed out after ${timeoutMs} ms`);
  }
}
