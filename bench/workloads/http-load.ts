import { cpus } from "node:os";
import { MB } from "../lib/format";
import { SECRET_ENV } from "../lib/config";
import { BASELINES, type Contender } from "../lib/contenders";
import { openCpuWindow } from "../lib/cpu-window";
import { runLoad } from "../lib/load";
import { baseHeaders, openSession, signToken } from "../lib/mcp-client";
import { eraLines, ratioLines, summarise, table, type Measurement, type Summary } from "../lib/report";
import { modernForm, probe, type LoadRequest } from "../lib/requests";
import { eachRound, withServer } from "../lib/rounds";
import { startServer } from "../lib/spawn";
import type { BarChart } from "../lib/svg";
import type { WorkloadContext, WorkloadResult } from "../lib/workload";

/** Cores used by other processes during a measurement above which it is flagged, and left out if others are not. */
export const OTHER_CPU_WARNING = 0.2;

/** One autocannon workload: the same request against each contender, with what the servers need to serve it. */
export interface HttpLoadSpec {
  name: string;
  contenders: Contender[];
  request: LoadRequest;
  /** Extra environment for every server (e.g. BENCH_TOOLS). */
  env: Record<string, string>;
}

async function measure(spec: HttpLoadSpec, contender: Contender, m: Measurement, ctx: WorkloadContext): Promise<void> {
  const { settings, secret } = ctx;
  const start = () => startServer(ctx.serverFile(contender.server ?? contender.id), { ...spec.env, [SECRET_ENV]: secret.toString("base64url") });
  return withServer(start, m, async (server) => {
    // A fresh token per measurement keeps every one well inside the 15-minute lifetime.
    const token = signToken(secret);
    const modern = contender.modern ? modernForm(spec.request) : undefined;
    const request = modern?.request ?? spec.request;
    const headers = { ...(contender.session ? await openSession(server.url, token) : baseHeaders(token)), ...modern?.headers };
    m.answerBytes = await probe(server.url, headers, request);
    m.firstAnswerMs = performance.now() - server.startedAt;
    if (settings.warmup > 0) await runLoad(server.url, headers, request, settings.warmup, settings.connections);
    const before = await server.stats();
    const window = openCpuWindow();
    Object.assign(m, await runLoad(server.url, headers, request, settings.duration, settings.connections));
    const after = await server.stats();
    m.otherCpuCores = window.close(after.cpuMicros - before.cpuMicros);
    m.loadedRssMB = after.rss / MB;
    m.cpuMicrosPerReq = m.completed ? (after.cpuMicros - before.cpuMicros) / m.completed : undefined;
  });
}

function describe(m: Measurement): string {
  return (
    `${Math.round(m.reqPerSec ?? 0)} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, ` +
    `errors ${m.errors} non-2xx ${m.non2xx} bad body ${m.mismatches}, cold start ${Math.round(m.coldStartMs ?? 0)} ms`
  );
}

/** A measurement disturbed by other processes is kept (flagged) and taken again, up to BENCH_RETRIES times. */
function disturbed(m: Measurement, attempt: number, ctx: WorkloadContext): boolean {
  if ((m.otherCpuCores ?? 0) <= OTHER_CPU_WARNING) return false;
  const again = attempt < ctx.settings.retries;
  ctx.log(`  warning: other processes used ${m.otherCpuCores?.toFixed(2)} of ${cpus().length} cores meanwhile; these figures are skewed${again ? ", measuring again" : ""}`);
  return again;
}

function chartOf(spec: HttpLoadSpec, summaries: Summary[]): BarChart {
  return {
    title: `${spec.name}: ${spec.request.name} over Streamable HTTP`,
    unit: "req/s",
    bars: summaries.map((s) => {
      const against = BASELINES.filter((b) => b.id !== s.id && s.ratios[b.id] !== undefined);
      return { label: s.label, value: s.reqPerSec, note: against.map((b) => `${s.ratios[b.id].toFixed(2)}× ${b.name}`).join(" · ") };
    }),
  };
}

export async function runHttpLoad(spec: HttpLoadSpec, ctx: WorkloadContext): Promise<WorkloadResult> {
  const contenders = spec.contenders.filter((c) => ctx.selected(c.id));
  const take = (c: Contender, m: Measurement) => measure(spec, c, m, ctx);
  const measurements = await eachRound(ctx, spec.name, contenders, take, describe, (m, attempt) => disturbed(m, attempt, ctx));
  const summaries = summarise(measurements, contenders, BASELINES, OTHER_CPU_WARNING);
  const ratios = ratioLines(summaries, BASELINES);
  const ratioText = ratios.length ? ratios.map((r) => `  ${r}`).join("\n") : "  (no baseline was measured in this run)";
  const eras = eraLines(summaries, contenders);
  const eraText = eras.length ? `\n\nThe same server called by a 2026-07-28 client (req/s against its 2025-11-25 row; the ceiling's is the revision's own cost):\n${eras.map((r) => `  ${r}`).join("\n")}` : "";
  const failed = measurements.filter((m) => m.failure !== undefined).length;
  // Every measurement counts here, the disturbed ones left out of the medians too.
  const wrong = measurements.reduce((n, m) => n + (m.errors ?? 0) + (m.non2xx ?? 0) + (m.mismatches ?? 0), 0);
  return {
    text: `${table(summaries, BASELINES)}\n\nRatios (req/s, higher is faster; CPU per request, lower is cheaper):\n${ratioText}${eraText}`,
    data: { request: spec.request.name, summary: summaries, ratios, eras, measurements },
    charts: [chartOf(spec, summaries)],
    startups: summaries.map((s) => ({ label: s.label, workload: spec.name, until: "listening", coldStartMs: s.coldStartMs, firstAnswerMs: s.firstAnswerMs, idleRssMB: s.idleRssMB })),
    problems: failed + wrong,
  };
}
