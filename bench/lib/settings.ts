/** The run's knobs, from the environment; see bench/README.md. */
export interface Settings {
  /** Measured seconds per contender per round. */
  duration: number;
  /** Warm-up seconds before each measurement (not recorded). */
  warmup: number;
  connections: number;
  rounds: number;
  /** Extra measurements of a server when other processes disturbed one (each is kept and flagged). */
  retries: number;
  /** Contender ids to run; all when empty. */
  only: string[];
}

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  // Refuse rather than clamp: a typo should not silently turn into a ten-minute run.
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

export function readSettings(): Settings {
  return {
    // ≤ 600 s keeps every measurement inside the lifetime of one bench token (15 minutes).
    duration: intFromEnv("BENCH_DURATION", 5, 1, 600),
    warmup: intFromEnv("BENCH_WARMUP", 2, 0, 60),
    connections: intFromEnv("BENCH_CONNECTIONS", 50, 1, 1000),
    rounds: intFromEnv("BENCH_ROUNDS", 1, 1, 20),
    retries: intFromEnv("BENCH_RETRIES", 1, 0, 5),
    only: (process.env.BENCH_ONLY ?? "").split(",").map((s) => s.trim()).filter(Boolean),
  };
}
