import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { ChildStats } from "./child";
import { LISTENING_MARK } from "./config";

const START_TIMEOUT_MS = 30_000;
const STATS_TIMEOUT_MS = 5_000;
const STOP_GRACE_MS = 3_000;
/** Kept for the error message when a server dies or never starts. */
const TAIL_LINES = 20;

export interface RunningServer {
  url: string;
  /** Spawn → the "listening" line, including Node start-up and module loading. */
  coldStartMs: number;
  stats(): Promise<ChildStats>;
  stop(): Promise<void>;
}

/**
 * Starts one contender in its own Node process (so the load generator never shares its CPU thread) and
 * resolves once it prints its URL. Its output is always drained: a child blocked on a full pipe would be
 * measured as slow.
 */
export function startServer(file: string, env: Record<string, string>): Promise<RunningServer> {
  const started = performance.now();
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  // A failed IPC send to a dead child is reported as an "error" event; unhandled, it would end the whole run.
  child.on("error", (err) => keep(`child process error: ${err.message}`));

  return new Promise<RunningServer>((resolve, reject) => {
    let buffered = "";
    let listening = false;
    const fail = (why: string) => {
      if (listening) return;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${file}: ${why}${tail.length ? `\n  ${tail.join("\n  ")}` : ""}`));
    };
    const timer = setTimeout(() => fail(`not listening after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once("exit", (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => chunk.split("\n").filter(Boolean).forEach(keep));
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        keep(line);
        if (listening || !line.startsWith(LISTENING_MARK)) continue;
        listening = true;
        clearTimeout(timer);
        const url = line.slice(LISTENING_MARK.length).trim();
        resolve({
          url,
          coldStartMs: performance.now() - started,
          stats: () => askStats(child, tail),
          stop: () => stop(child, exited),
        });
      }
      // Only the marked line matters; anything else a server prints is dropped once seen.
      if (buffered.length > 64 * 1024) buffered = "";
    });
  });
}

function askStats(child: ChildProcess, tail: string[]): Promise<ChildStats> {
  return new Promise((resolve, reject) => {
    if (!child.connected) return reject(new Error(`the server exited during the run\n  ${tail.join("\n  ")}`));
    const timer = setTimeout(() => {
      child.off("message", onMessage);
      reject(new Error("no stats answer from the server"));
    }, STATS_TIMEOUT_MS);
    const onMessage = (msg: unknown) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(msg as ChildStats);
    };
    child.on("message", onMessage);
    child.send("stats");
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
