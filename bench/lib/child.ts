import type { IncomingMessage, ServerResponse } from "node:http";
import { LISTENING_MARK } from "./config";

/** What a child reports when the parent asks over IPC. */
export interface ChildStats {
  rss: number;
  /** process.cpuUsage() user + system, microseconds. */
  cpuMicros: number;
}

/**
 * Tells the parent this server is ready (one marked line on stdout) and answers its `stats` requests over the
 * IPC channel. Exits when the parent goes away, so an interrupted run leaves no server behind.
 */
export function announce(url: string): void {
  process.stdout.write(`${LISTENING_MARK}${url}\n`);
  process.on("message", (msg) => {
    if (msg !== "stats" || !process.send) return;
    const cpu = process.cpuUsage();
    const stats: ChildStats = { rss: process.memoryUsage().rss, cpuMicros: cpu.user + cpu.system };
    process.send(stats);
  });
  process.on("disconnect", () => process.exit(0));
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
