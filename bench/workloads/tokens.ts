import { openCpuWindow } from "../lib/cpu-window";
import { fmt, markdownTable, times } from "../lib/format";
import { medianOf } from "../lib/stats";
import { measureTokenCache } from "../lib/token-cache-cost";
import type { Workload, WorkloadContext, WorkloadResult } from "../lib/workload";

/**
 * The in-process cost of mcpcraft's JwtStrategy per call, for fresh tokens (misses) and one repeated token
 * (hits): the figure a verified-token cache changes. No server and no HTTP, so nothing else is in it.
 */
async function run(ctx: WorkloadContext): Promise<WorkloadResult> {
  const { rounds, tokenCalls } = ctx.settings;
  const measurements: { round: number; missMicros: number; hitMicros: number; otherCpuCores: number }[] = [];
  let failure: string | undefined;
  for (let round = 1; round <= rounds; round++) {
    ctx.log(`tokens · round ${round}/${rounds}: ${tokenCalls} fresh tokens, then one token ${tokenCalls} times …`);
    try {
      // In-process timings are as sensitive to other processes as any: say how busy the machine was.
      const window = openCpuWindow();
      const m = await measureTokenCache(tokenCalls);
      const otherCpuCores = window.close(0);
      measurements.push({ round, ...m, otherCpuCores });
      ctx.log(`  miss ${fmt(m.missMicros, 1)} µs, hit ${fmt(m.hitMicros, 1)} µs per call; other processes used ${fmt(otherCpuCores, 2)} cores`);
    } catch (err) {
      failure = (err as Error).message;
      ctx.log(`  FAILED: ${failure}`);
    }
  }
  const miss = medianOf(measurements, (m) => m.missMicros);
  const hit = medianOf(measurements, (m) => m.hitMicros);
  const others = fmt(Math.max(0, ...measurements.map((m) => m.otherCpuCores)), 2);
  const runs = String(measurements.length);
  const text = markdownTable(
    ["JwtStrategy.authenticate", "µs per call", "calls", "others' CPU (cores)", "runs"],
    [
      ["miss: a fresh token each call", fmt(miss, 1), fmt(tokenCalls), others, runs],
      ["hit: one token again and again", fmt(hit, 1), fmt(tokenCalls), others, runs],
      ["hit ÷ miss", times(hit / miss), "", "", ""],
    ],
  );
  return {
    text,
    data: { calls: tokenCalls, missMicros: miss, hitMicros: hit, measurements, failure },
    charts: [
      {
        title: "JwtStrategy.authenticate in-process (token cache hook)",
        unit: "µs/call",
        lowerIsBetter: true,
        bars: [
          { label: "mcpcraft JWT, fresh token (miss)", value: miss, text: fmt(miss, 1) },
          { label: "mcpcraft JWT, repeated token (hit)", value: hit, text: fmt(hit, 1), note: `${times(hit / miss)} miss` },
        ],
      },
    ],
    startups: [],
    problems: failure ? 1 : 0,
  };
}

export const tokensWorkload: Workload = { id: "tokens", title: "JwtStrategy token cache: miss vs hit, in-process", servers: [], run };
