import { execFileSync } from "node:child_process";
import { cpus } from "node:os";

/** CPU time all cores spent busy since boot, in microseconds (os.cpus() counts milliseconds). */
export function machineBusyMicros(): number {
  return cpus().reduce((sum, { times }) => sum + (times.user + times.nice + times.sys + times.irq) * 1000, 0);
}

/** This process's CPU time (the load generator), in microseconds. */
export function ownCpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * Which code was measured: the commit, and whether the working tree differed from it (other work in progress
 * changes mcpcraft's figures, since the bench compiles src as it stands).
 */
export function gitState(root: string): { commit: string; dirty: boolean } | undefined {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], { cwd: root, encoding: "utf8" }).trim() !== "";
    return { commit, dirty };
  } catch {
    return undefined;
  }
}
