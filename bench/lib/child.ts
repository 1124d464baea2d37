import type { IncomingMessage, ServerResponse } from "node:http";
import { LISTENING_MARK } from "./config";

/** What a child reports when the parent asks over IPC. */
export interface ChildStats {
  rss: number;
  heapUsed: number;
  /** process.cpuUsage() user + system, microseconds. */
  cpuMicros: number;
}

/** `stats`: the figures now. `gc`: the figures right after full collections (needs `node --expose-gc`). */
export type ChildRequest = "stats" | "gc";
export type ChildAnswer = ChildStats | { error: string };

/**
 * Answers the parent's {@link ChildRequest}s over the IPC channel, and exits when the parent goes away, so an
 * interrupted run leaves no server behind. Stdio servers call this alone: their stdout is the JSON-RPC channel.
 */
export function serveStats(): void {
  process.on("message", (msg: unknown) => {
    if ((msg !== "stats" && msg !== "gc") || !process.send) return;
    if (msg === "gc") {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) return void process.send({ error: "gc requested but this server was not started with --expose-gc" });
      // A second pass collects what the first one's weak callbacks and finalizers released.
      gc();
      gc();
    }
    const cpu = process.cpuUsage();
    const { rss, heapUsed } = process.memoryUsage();
    process.send({ rss, heapUsed, cpuMicros: cpu.user + cpu.system } satisfies ChildStats);
  });
  process.on("disconnect", () => process.exit(0));
}

/** Tells the parent this HTTP server is ready (one marked line on stdout) and answers its stats requests. */
export function announce(url: string): void {
  process.stdout.write(`${LISTENING_MARK}${url}\n`);
  serveStats();
}

/** Whole request body as text; bench requests are tiny, so no size limit is needed here. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** A JSON-RPC error with an HTTP status, as the hand-written servers answer auth and parse failures. */
export function rpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

/**
 * The prelude every hand-written contender shares: read the body, check the bearer JWT, parse JSON. Answers the
 * error itself and resolves to `undefined` when the request stops there.
 */
export async function authedJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  authorized: (header: string | string[] | undefined) => unknown,
): Promise<unknown | undefined> {
  const raw = await readBody(req);
  if (!authorized(req.headers.authorization)) return rpcError(res, 401, -32001, "Unauthorized");
  try {
    return JSON.parse(raw);
  } catch {
    return rpcError(res, 400, -32700, "Parse error");
  }
}
