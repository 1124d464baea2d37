import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { MB } from "./format";
import { gitState } from "./machine";
import type { Settings } from "./settings";
import { renderSvg, type BarChart } from "./svg";

function versionOf(root: string, pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Where and with what the figures were taken: every figure is only comparable within one such context. */
export function runContext(root: string, settings: Settings) {
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMB: Math.round(totalmem() / MB), node: process.version, platform: process.platform },
    settings,
    source: gitState(root),
    versions: Object.fromEntries(["@modelcontextprotocol/sdk", "fastmcp", "autocannon", "jsonwebtoken"].map((p) => [p, versionOf(root, p)])),
  };
}

type RunContext = ReturnType<typeof runContext>;

/** The SVG's second line: enough to tell a smoke run from a real one at a glance. */
function subheading(ctx: RunContext): string {
  const { settings: s, source, machine, versions } = ctx;
  const commit = source ? `commit ${source.commit.slice(0, 7)}${source.dirty ? " + uncommitted src/" : ""}` : "commit unknown";
  return [
    ctx.date.slice(0, 16).replace("T", " ") + " UTC",
    commit,
    `${machine.cpus} vCPUs, Node ${machine.node}`,
    `${s.rounds} round(s), ${s.warmup} s warm-up + ${s.duration} s measured, ${s.connections} connections`,
    `SDK ${versions["@modelcontextprotocol/sdk"]}, fastmcp ${versions.fastmcp}`,
  ].join(" · ");
}

/**
 * Writes .bench-out/results.json and .bench-out/results.svg, and copies the SVG to bench/results.svg (the
 * committed "last figures") only when the run covered every workload and server, so a partial run never
 * replaces a full chart. Answers the files written.
 */
export function writeOutputs(root: string, ctx: RunContext, workloads: Record<string, unknown>, charts: BarChart[], complete: boolean): string[] {
  const outDir = join(root, ".bench-out");
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, "results.json");
  writeFileSync(json, `${JSON.stringify({ ...ctx, workloads, charts }, null, 2)}\n`);
  const svg = join(outDir, "results.svg");
  writeFileSync(svg, renderSvg("mcpcraft-sdk bench", subheading(ctx), charts));
  if (!complete) return [json, svg];
  const committed = join(root, "bench", "results.svg");
  copyFileSync(svg, committed);
  return [json, svg, committed];
}
