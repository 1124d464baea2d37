import { fmt, markdownTable } from "./format";
import type { BarChart } from "./svg";

/** How fast one server came up and how much memory it held before its first request (medians over rounds). */
export interface StartupFigure {
  label: string;
  workload: string;
  /** What the cold start runs until: the HTTP servers' "listening" line, or a stdio server's first answer. */
  until: "listening" | "initialize answered";
  coldStartMs: number;
  /** Spawn → the first answered request, where the workload records it (HTTP load). */
  firstAnswerMs?: number;
  idleRssMB: number;
}

export function startupTable(figures: StartupFigure[]): string {
  const rows = figures.map((f) => [f.label, f.workload, f.until, fmt(f.coldStartMs), f.firstAnswerMs === undefined ? "" : fmt(f.firstAnswerMs), fmt(f.idleRssMB)]);
  return markdownTable(["server", "workload", "cold start until", "cold start ms", "first answer ms", "idle RSS MB"], rows, 3);
}

export function startupChart(figures: StartupFigure[]): BarChart {
  return {
    title: "Cold start: spawn → listening (HTTP) or → initialize answered (stdio)",
    unit: "ms",
    lowerIsBetter: true,
    bars: figures.map((f) => ({ label: `${f.label} · ${f.workload}`, value: f.coldStartMs, note: `idle RSS ${fmt(f.idleRssMB)} MB` })),
  };
}
