// `npm run bench`: the workloads in turn (BENCH_WORKLOADS), every server in its own process and the load from
// this one, all on 127.0.0.1. Prints one table per workload with ratios, a start-up table, and writes
// .bench-out/results.json and results.svg. Never part of the test suite: timings are measured here, not asserted.
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { writeOutputs, runContext } from "./lib/output";
import { readSettings, WORKLOAD_IDS, type Settings } from "./lib/settings";
import { startupChart, startupTable, type StartupFigure } from "./lib/startup";
import type { BarChart } from "./lib/svg";
import type { Workload, WorkloadContext } from "./lib/workload";
import { echoWorkload } from "./workloads/echo";
import { list50Workload } from "./workloads/list50";
import { sessionsWorkload } from "./workloads/sessions";
import { stdioWorkload } from "./workloads/stdio";
import { tokensWorkload } from "./workloads/tokens";

// Compiled to <outDir>/bench/run.js, so the repository root is two levels up whatever the outDir.
const ROOT = resolve(__dirname, "..", "..");
const WORKLOADS: Workload[] = [echoWorkload, list50Workload, sessionsWorkload, stdioWorkload, tokensWorkload];

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function checkOnly(settings: Settings): void {
  const known = new Set(WORKLOADS.flatMap((w) => w.servers));
  const unknown = settings.only.filter((id) => !known.has(id));
  if (unknown.length) throw new Error(`BENCH_ONLY names unknown servers: ${unknown.join(", ")} (known: ${[...known].join(", ")})`);
}

function contextFor(settings: Settings): WorkloadContext {
  return {
    settings,
    // One secret per run, never written anywhere: children get it in their environment.
    secret: randomBytes(32),
    selected: (id) => !settings.only.length || settings.only.includes(id),
    serverFile: (id) => join(__dirname, "servers", `${id}.js`),
    log,
  };
}

async function main(): Promise<void> {
  const settings = readSettings();
  checkOnly(settings);
  const ctx = contextFor(settings);
  const chosen = WORKLOADS.filter((w) => settings.workloads.includes(w.id));
  log(
    `mcpcraft bench: workloads ${chosen.map((w) => w.id).join(", ")} × ${settings.rounds} round(s); HTTP loads ${settings.connections} connections, ` +
      `${settings.warmup} s warm-up + ${settings.duration} s measured each; ${cpus().length} CPUs, Node ${process.version}`,
  );
  const data: Record<string, unknown> = {};
  const charts: BarChart[] = [];
  const startups: StartupFigure[] = [];
  let problems = 0;
  for (const workload of chosen) {
    // A workload whose servers BENCH_ONLY leaves out is skipped; tokens has no server and always runs.
    if (workload.servers.length && !workload.servers.some(ctx.selected)) continue;
    try {
      const result = await workload.run(ctx);
      process.stdout.write(`\n## ${workload.id}: ${workload.title}\n\n${result.text}\n`);
      data[workload.id] = result.data;
      charts.push(...result.charts);
      startups.push(...result.startups);
      problems += result.problems;
    } catch (err) {
      log(`workload ${workload.id} failed: ${(err as Error)?.stack ?? String(err)}`);
      data[workload.id] = { failure: (err as Error)?.message ?? String(err) };
      problems++;
    }
  }
  if (startups.length) {
    process.stdout.write(`\n## Start-up: cold start and idle RSS of every server started\n\n${startupTable(startups)}\n`);
    charts.push(startupChart(startups));
  }
  const complete = settings.workloads.length === WORKLOAD_IDS.length && !settings.only.length;
  const files = writeOutputs(ROOT, runContext(ROOT, settings), data, charts, complete);
  process.stdout.write(`\nWrote ${files.join(", ")}\n`);
  if (!complete) log("bench/results.svg left as it was: only a run of every workload and server replaces it");
  if (problems) {
    log(`${problems} failed measurement(s), bad response(s) or error(s): see the tables and results.json`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  log(`bench failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exitCode = 1;
});
