/** The workloads, in run order; `BENCH_WORKLOADS` picks some of them. */
export const WORKLOAD_IDS = ["echo", "list50", "sessions", "stdio", "tokens"] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

/** The run's knobs, from the environment; see bench/README.md. */
export interface Settings {
  /** Measured seconds per HTTP contender per round. */
  duration: number;
  /** Warm-up seconds before each HTTP measurement (not recorded). */
  warmup: number;
  connections: number;
  rounds: number;
  /** Extra measurements of a server when other processes disturbed one (each is kept and flagged). */
  retries: number;
  /** Server ids to run, in every workload that has them; all when empty. */
  only: string[];
  workloads: WorkloadId[];
  /** Idle sessions opened per stateful server (sessions workload). */
  sessions: number;
  /** Sessions being opened at once. */
  sessionConcurrency: number;
  /** Round trips per stdio measurement, sequential and pipelined each. */
  stdioCalls: number;
  /** Requests in flight in the pipelined stdio burst. */
  stdioInflight: number;
  /** `authenticate` calls per token-cache measurement, misses and hits each. */
  tokenCalls: number;
}

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  // Refuse rather than clamp: a typo should not silently turn into a ten-minute run.
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

function listFromEnv(name: string): string[] {
  return (process.env[name] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

function workloadsFromEnv(): WorkloadId[] {
  const named = listFromEnv("BENCH_WORKLOADS");
  const unknown = named.filter((id) => !(WORKLOAD_IDS as readonly string[]).includes(id));
  if (unknown.length) throw new Error(`BENCH_WORKLOADS names unknown workloads: ${unknown.join(", ")} (known: ${WORKLOAD_IDS.join(", ")})`);
  // Run order is always the canonical one, whatever order they were named in.
  return named.length ? WORKLOAD_IDS.filter((id) => named.includes(id)) : [...WORKLOAD_IDS];
}

export function readSettings(): Settings {
  return {
    // ≤ 600 s keeps every measurement inside the lifetime of one bench token (15 minutes).
    duration: intFromEnv("BENCH_DURATION", 5, 1, 600),
    warmup: intFromEnv("BENCH_WARMUP", 2, 0, 60),
    connections: intFromEnv("BENCH_CONNECTIONS", 50, 1, 1000),
    rounds: intFromEnv("BENCH_ROUNDS", 1, 1, 20),
    retries: intFromEnv("BENCH_RETRIES", 1, 0, 5),
    only: listFromEnv("BENCH_ONLY"),
    workloads: workloadsFromEnv(),
    // mcpcraft's default cap is 10,000 sessions per server (503 above).
    sessions: intFromEnv("BENCH_SESSIONS", 1000, 10, 9000),
    sessionConcurrency: intFromEnv("BENCH_SESSION_CONCURRENCY", 8, 1, 100),
    stdioCalls: intFromEnv("BENCH_STDIO_CALLS", 5000, 100, 1_000_000),
    stdioInflight: intFromEnv("BENCH_STDIO_INFLIGHT", 50, 2, 1000),
    tokenCalls: intFromEnv("BENCH_TOKEN_CALLS", 5000, 100, 1_000_000),
  };
}
