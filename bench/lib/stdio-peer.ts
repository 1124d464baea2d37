import { performance } from "node:perf_hooks";
import { lineSplitter } from "./lines";
import { INITIALIZE_PARAMS } from "./mcp-client";
import { spawnChild, type ChildHandle } from "./spawn";

const REQUEST_TIMEOUT_MS = 10_000;

interface RpcAnswer {
  id?: number;
  result?: unknown;
  error?: { message?: string };
}

/** A stdio MCP server in a child process, spoken to as an MCP host does: newline-delimited JSON-RPC. */
export interface StdioPeer extends ChildHandle {
  /** Spawn → the first `initialize` answered: Node start-up, module loading, start-up auth, first request. */
  coldStartMs: number;
  /** Sends one request and resolves to its answer's `result`; rejects on a JSON-RPC error or a timeout. */
  request(method: string, params?: unknown): Promise<unknown>;
  notify(method: string): void;
}

type Pending = Map<number, { resolve(answer: RpcAnswer): void; reject(err: Error): void; timer: NodeJS.Timeout }>;

/** Settles the request each stdout line answers; anything else is kept for error messages. */
function routeAnswers(pending: Pending, keep: (line: string) => void): (chunk: string) => void {
  return lineSplitter((line) => {
    let answer: RpcAnswer;
    try {
      answer = JSON.parse(line) as RpcAnswer;
    } catch {
      return keep(`stdout (not JSON-RPC): ${line.slice(0, 200)}`);
    }
    const waiter = typeof answer.id === "number" ? pending.get(answer.id) : undefined;
    if (!waiter) return;
    pending.delete(answer.id!);
    clearTimeout(waiter.timer);
    waiter.resolve(answer);
  });
}

/** JSON-RPC over the child's stdin/stdout, one request id per call. */
function rpcChannel(handle: ChildHandle, file: string): Pick<StdioPeer, "request" | "notify"> {
  const { child, tail, keep } = handle;
  const pending: Pending = new Map();
  let nextId = 1;
  child.stdout!.setEncoding("utf8").on("data", routeAnswers(pending, keep));
  void handle.exited.then(() => {
    for (const { reject, timer } of pending.values()) {
      clearTimeout(timer);
      reject(new Error(`${file} exited with requests in flight\n  ${tail.join("\n  ")}`));
    }
    pending.clear();
  });
  // A write after the child died raises EPIPE here; the exit above already fails what was in flight.
  child.stdin!.on("error", (err) => keep(`stdin: ${err.message}`));
  const send = (message: object) => void child.stdin!.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
  return {
    request: (method, params) =>
      new Promise<unknown>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method} #${id}: no answer within ${REQUEST_TIMEOUT_MS} ms\n  ${tail.join("\n  ")}`));
        }, REQUEST_TIMEOUT_MS);
        pending.set(id, { resolve: (a) => (a.error ? reject(new Error(`${method}: ${a.error.message ?? "error"}`)) : resolve(a.result)), reject, timer });
        send({ id, method, params });
      }),
    notify: (method) => send({ method }),
  };
}

/**
 * Spawns `node file` and initialises it. The initialize is written at once: the pipe holds it until the server
 * reads stdin, so the cold start ends exactly when the server could first answer.
 */
export async function startStdioServer(file: string, env: Record<string, string>): Promise<StdioPeer> {
  const handle = spawnChild(file, env, { stdin: true });
  const channel = rpcChannel(handle, file);
  try {
    await channel.request("initialize", INITIALIZE_PARAMS);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  const coldStartMs = performance.now() - handle.startedAt;
  channel.notify("notifications/initialized");
  return { ...handle, ...channel, coldStartMs };
}
