import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { ChildAnswer, ChildRequest, ChildStats } from "./child";
import { LISTENING_MARK } from "./config";
import { lineSplitter } from "./lines";

const START_TIMEOUT_MS = 30_000;
const STATS_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
/** Kept for the error message when a server dies or never starts. */
const TAIL_LINES = 20;

/** One server process, whatever it serves over. */
export interface ChildHandle {
  child: ChildProcess;
  /** performance.now() just before the spawn: cold starts count from here. */
  startedAt: number;
  /** The last lines it printed (stderr, and stdout for HTTP servers), for error messages. */
  tail: string[];
  keep(line: string): void;
  /** Resolves when the process has exited, for whatever reason. */
  exited: Promise<void>;
  stats(): Promise<ChildStats>;
  /** Full garbage collections in the server, then its stats (the server must run with --expose-gc). */
  collect(): Promise<ChildStats>;
  stop(): Promise<void>;
}

export interface RunningServer extends ChildHandle {
  url: string;
  /** Spawn → the "listening" line, including Node start-up and module loading. */
  coldStartMs: number;
}

/**
 * Spawns `node [nodeArgs] file` with an IPC channel for stats. stdout is piped so a stdio server can be spoken
 * to; stdin only when `stdin` is set. stderr is always drained: a child blocked on a full pipe would be
 * measured as slow.
 */
export function spawnChild(file: string, env: Record<string, string>, options: { nodeArgs?: string[]; stdin?: boolean } = {}): ChildHandle {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), file], {
    env: { ...process.env, ...env },
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe", "ipc"],
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // A failed IPC send to a dead child is reported as an "error" event; unhandled, it would end the whole run.
  child.on("error", (err) => keep(`child process error: ${err.message}`));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => chunk.split("\n").filter(Boolean).forEach(keep));
  return {
    child,
    startedAt,
    tail,
    keep,
    exited,
    stats: () => ask(child, "stats", tail),
    collect: () => ask(child, "gc", tail),
    stop: () => stop(child, exited),
  };
}

/** Starts one HTTP contender and resolves once it prints its URL. */
export function startServer(file: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<RunningServer> {
  const handle = spawnChild(file, env, { nodeArgs });
  const { child, tail, keep } = handle;
  return new Promise<RunningServer>((resolve, reject) => {
    let listening = false;
    const fail = (why: string) => {
      if (listening) return;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${file}: ${why}${tail.length ? `\n  ${tail.join("\n  ")}` : ""}`));
    };
    const timer = setTimeout(() => fail(`not listening after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once("exit", (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`));
    child.stdout!.setEncoding("utf8").on(
      "data",
      lineSplitter((line) => {
        keep(line);
        // Only the marked line matters; anything else a server prints is only kept for error messages.
        if (listening || !line.startsWith(LISTENING_MARK)) return;
        listening = true;
        clearTimeout(timer);
        resolve({ ...handle, url: line.slice(LISTENING_MARK.length).trim(), coldStartMs: performance.now() - handle.startedAt });
      }),
    );
  });
}

function ask(child: ChildProcess, request: ChildRequest, tail: string[]): Promise<ChildStats> {
  return new Promise((resolve, reject) => {
    if (!child.connected) return reject(new Error(`the server exited during the run\n  ${tail.join("\n  ")}`));
    const timer = setTimeout(() => {
      child.off("message", onMessage);
      reject(new Error(`no answer to "${request}" from the server`));
    }, STATS_TIMEOUT_MS);
    const onMessage = (msg: unknown) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      const answer = msg as ChildAnswer;
      if ("error" in answer) reject(new Error(answer.error));
      else resolve(answer);
    };
    child.on("message", onMessage);
    child.send(request);
  });
}

/** SIGTERM, then SIGKILL if it has not exited within the grace period; only ever this child's pid. */
async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const grace = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), STOP_GRACE_MS).unref());
  if ((await Promise.race([exited, grace])) === "late") {
    child.kill("SIGKILL");
    await exited;
  }
}
