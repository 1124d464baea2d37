import type { Contender } from "./contenders";
import { fmt, markdownTable, times } from "./format";
import type { LoadFigures } from "./load";
import type { ServerMeasurement } from "./rounds";
import { medianOf } from "./stats";

/** One contender measured once (one round). */
export interface Measurement extends Partial<LoadFigures>, ServerMeasurement {
  loadedRssMB?: number;
  /** Size of the probe's answer: servers frame (JSON, SSE) and describe the same result differently. */
  answerBytes?: number;
  /** Server process CPU (user + system) during the measured seconds, per completed request. */
  cpuMicrosPerReq?: number;
  /**
   * Cores kept busy during the measured seconds by processes other than this server and the load generator
   * (other people's builds and tests): anything well above zero skews the figures.
   */
  otherCpuCores?: number;
}

/** Medians over the measurements used (sums for the error counts), for one contender. */
export interface Summary {
  id: string;
  label: string;
  /** Measurements the figures come from: the undisturbed ones when there are any, else all that completed. */
  runs: number;
  /** Measurements that completed (rounds, plus retries of disturbed ones). */
  runsCompleted: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  mismatches: number;
  cpuMicrosPerReq: number;
  coldStartMs: number;
  firstAnswerMs: number;
  idleRssMB: number;
  loadedRssMB: number;
  answerBytes: number;
  /** The most CPU other processes used during the measurements used, in cores. */
  maxOtherCpuCores: number;
  /** req/s divided by each baseline's req/s, keyed by baseline id. */
  ratios: Record<string, number>;
  /** Server CPU per request divided by each baseline's, keyed by baseline id (below 1 = cheaper). */
  cpuRatios: Record<string, number>;
}

/**
 * One summary per contender. Measurements during which other processes used more than `noiseLimit` cores are
 * left out when the contender has undisturbed ones, so one busy minute on a shared machine does not set its figure.
 */
export function summarise(
  measurements: Measurement[],
  order: { id: string; label: string }[],
  baselines: readonly { id: string }[],
  noiseLimit: number,
): Summary[] {
  const out: Summary[] = [];
  for (const { id, label } of order) {
    const completed = measurements.filter((m): m is Measurement & LoadFigures => m.id === id && m.failure === undefined && m.reqPerSec !== undefined);
    if (!completed.length) continue;
    const quiet = completed.filter((m) => (m.otherCpuCores ?? 0) <= noiseLimit);
    const ok = quiet.length ? quiet : completed;
    const of = (pick: (m: Measurement & LoadFigures) => number | undefined) => medianOf(ok, pick);
    const sum = (pick: (m: LoadFigures) => number) => ok.reduce((n, m) => n + pick(m), 0);
    out.push({
      id,
      label,
      runs: ok.length,
      runsCompleted: completed.length,
      reqPerSec: of((m) => m.reqPerSec),
      p50Ms: of((m) => m.p50Ms),
      p99Ms: of((m) => m.p99Ms),
      errors: sum((m) => m.errors),
      non2xx: sum((m) => m.non2xx),
      mismatches: sum((m) => m.mismatches),
      cpuMicrosPerReq: of((m) => m.cpuMicrosPerReq),
      coldStartMs: of((m) => m.coldStartMs),
      firstAnswerMs: of((m) => m.firstAnswerMs),
      idleRssMB: of((m) => m.idleRssMB),
      loadedRssMB: of((m) => m.loadedRssMB),
      answerBytes: of((m) => m.answerBytes),
      maxOtherCpuCores: Math.max(...ok.map((m) => m.otherCpuCores ?? 0)),
      ratios: {},
      cpuRatios: {},
    });
  }
  for (const base of baselines) {
    const ref = out.find((s) => s.id === base.id);
    if (!ref) continue;
    for (const s of out) {
      s.ratios[base.id] = s.reqPerSec / ref.reqPerSec;
      s.cpuRatios[base.id] = s.cpuMicrosPerReq / ref.cpuMicrosPerReq;
    }
  }
  return out;
}

/** The results as a Markdown table (the same text goes to the terminal and into bench/README.md). */
export function table(summaries: Summary[], baselines: readonly { id: string; name: string }[]): string {
  const head = ["server", "req/s", "p50 ms", "p99 ms", "errors / non-2xx / bad body", "server CPU µs/req", "answer bytes", "cold start ms", "first answer ms", "RSS idle → loaded MB", "others' CPU (cores)", "runs used", ...baselines.map((b) => `× ${b.name}`)];
  const rows = summaries.map((s) => [
    s.label,
    fmt(s.reqPerSec),
    fmt(s.p50Ms, 1),
    fmt(s.p99Ms, 1),
    `${s.errors} / ${s.non2xx} / ${s.mismatches}`,
    fmt(s.cpuMicrosPerReq),
    fmt(s.answerBytes),
    fmt(s.coldStartMs),
    fmt(s.firstAnswerMs),
    `${fmt(s.idleRssMB)} → ${fmt(s.loadedRssMB)}`,
    fmt(s.maxOtherCpuCores, 2),
    `${s.runs}/${s.runsCompleted}`,
    ...baselines.map((b) => times(s.ratios[b.id])),
  ]);
  return markdownTable(head, rows);
}

/**
 * "mcpcraft stateless = 1.05× raw SDK stateless, 0.97× fastmcp" (req/s), then the server CPU per request against
 * the same baselines, which other load on the machine disturbs less.
 */
export function ratioLines(summaries: Summary[], baselines: readonly { id: string; name: string }[]): string[] {
  return summaries
    .map((s) => {
      const against = baselines.filter((b) => b.id !== s.id && s.ratios[b.id] !== undefined);
      if (!against.length) return "";
      const speed = against.map((b) => `${s.ratios[b.id].toFixed(2)}× ${b.name}`).join(", ");
      const cost = against.map((b) => `${s.cpuRatios[b.id].toFixed(2)}× ${b.name}`).join(", ");
      return `${s.label} = ${speed} (CPU per request: ${cost})`;
    })
    .filter(Boolean);
}

/**
 * Each 2026-07-28 row against the 2025-11-25 row of the same server ("mcpcraft … = 0.94× its 2025-11-25 row"),
 * the ceiling's among them: the ceiling's ratio is what the revision's larger requests and answers cost on
 * node:http with no framework, so a framework row at that ratio adds nothing of its own for the revision.
 */
export function eraLines(summaries: Summary[], contenders: readonly Contender[]): string[] {
  return contenders.flatMap((c) => {
    const modern = summaries.find((s) => s.id === c.id);
    const legacy = c.modern ? summaries.find((s) => s.id === (c.server ?? c.id)) : undefined;
    if (!modern || !legacy) return [];
    const speed = modern.reqPerSec / legacy.reqPerSec;
    const cost = modern.cpuMicrosPerReq / legacy.cpuMicrosPerReq;
    return [`${modern.label} = ${speed.toFixed(2)}× its 2025-11-25 row (${legacy.label}); CPU per request ${cost.toFixed(2)}×`];
  });
}
