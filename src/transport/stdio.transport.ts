import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { RequestPipeline } from "../core/request-pipeline";
import { httpAnswerFor } from "../errors";
import { serveMessagePort, type PortHandle } from "./message-port";

/** Options of `server.listen({ transport: "stdio" })`: which environment variables become which headers. */
export interface StdioListenOptions {
  /**
   * Environment variable → header name, read once at start-up (stdio has no headers). Default: the strategy's
   * own mapping, else `API_KEY` → `x-api-key` and `MCP_AUTH_TOKEN` → `authorization` (sent as `Bearer <value>`).
   */
  env?: Record<string, string>;
  /** Exit the process when start-up authentication fails (default true). Otherwise `listen` rejects. */
  exitOnAuthFailure?: boolean;
}

const DEFAULT_ENV: Record<string, string> = { API_KEY: "x-api-key", MCP_AUTH_TOKEN: "authorization" };

/** Stdout is the JSON-RPC channel: send anything user code prints with console.log/info/debug to stderr instead. */
function guardStdout(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

export function headersFromEnv(mapping: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = Object.create(null);
  for (const [variable, header] of Object.entries(mapping)) {
    const value = env[variable];
    if (value === undefined || value === "") continue;
    const name = header.toLowerCase();
    headers[name] = name === "authorization" && !/^\w+\s/.test(value) ? `Bearer ${value}` : value;
  }
  return headers;
}

/**
 * Serves over stdio. The credential comes from the environment and is checked once, through the same strategy
 * as HTTP; if the server requires auth and that fails, one line goes to stderr and the process exits 1.
 */
export async function serveStdio(pipeline: RequestPipeline, options: StdioListenOptions): Promise<PortHandle> {
  guardStdout();
  const strategy = pipeline.def.strategy;
  const mapping = options.env ?? { ...DEFAULT_ENV, ...(strategy?.stdioEnv?.() ?? {}) };
  let auth;
  try {
    // The audit hook still sees the failure; the logger does not, so the operator reads exactly one line.
    auth = await pipeline.admission.admit({ headers: headersFromEnv(mapping), transport: "stdio" }, { log: false });
  } catch (err) {
    const answer = httpAnswerFor(err);
    const vars = Object.keys(mapping).join(" or ");
    process.stderr.write(`${pipeline.def.name}: authentication failed at start-up (${answer.message}); set ${vars} in the server's environment. Refusing to serve.\n`);
    if (options.exitOnAuthFailure === false) throw err;
    process.exit(1);
  }
  return serveMessagePort(pipeline, new StdioServerTransport(), auth, "stdio");
}
