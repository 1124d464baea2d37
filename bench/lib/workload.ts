import type { Settings, WorkloadId } from "./settings";
import type { StartupFigure } from "./startup";
import type { BarChart } from "./svg";

/** What every workload is handed by bench/run. */
export interface WorkloadContext {
  settings: Settings;
  /** The run's JWT secret; children get it in their environment, it is never written anywhere. */
  secret: Buffer;
  /** Whether `BENCH_ONLY` leaves this server id in. */
  selected(serverId: string): boolean;
  /** The compiled file of a server in bench/servers. */
  serverFile(serverId: string): string;
  /** Progress and warnings, to stderr. */
  log(message: string): void;
}

/** What a workload hands back: printed, charted, written to results.json and counted for the exit code. */
export interface WorkloadResult {
  /** Tables and notes, for stdout. */
  text: string;
  /** Everything measured, written to results.json under `workloads.<id>`. */
  data: unknown;
  charts: BarChart[];
  /** Cold start and idle RSS of every server this workload started, for the run's start-up table. */
  startups: StartupFigure[];
  /** Failed measurements plus wrong answers, errors and timeouts: any makes the run exit non-zero. */
  problems: number;
}

export interface Workload {
  id: WorkloadId;
  title: string;
  /** The server ids it can run, so BENCH_ONLY can be checked against every workload. */
  servers: readonly string[];
  run(ctx: WorkloadContext): Promise<WorkloadResult>;
}
