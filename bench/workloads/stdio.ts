import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { ACCEPTED_KEY_ENV, CLIENT_KEY_ENV } from "../lib/config";
import { openCpuWindow } from "../lib/cpu-window";
import { fmt, markdownTable, times } from "../lib/format";
import { inPool } from "../lib/pool";
import { eachRound, withServer, type ServerMeasurement } from "../lib/rounds";
import { medianOf, percentile } from "../lib/stats";
import { startStdioServer, type StdioPeer } from "../lib/stdio-peer";
import type { Workload, WorkloadContext, WorkloadResult } from "../lib/workload";

/** Round trips before anything is recorded: JIT and lazily loaded code on the call path. */
const WARMUP_CALLS = 500;

const SERVERS = [
  { id: "sdk-stdio", label: "raw SDK stdio" },
  { id: "mcpcraft-stdio", label: "mcpcraft stdio (API key)" },
] as const;
const BASELINE = "sdk-stdio";
/** Bad answers after which a phase is abandoned: a server that stopped answering would otherwise time out every call. */
const MAX_BAD = 20;

/** One phase: `calls` echo round trips with `inflight` of them outstanding at any moment. */
interface Phase {
  perSec: number;
  p50Micros: number;
  p99Micros: number;
  cpuMicrosPerCall: number;
  otherCpuCores: number;
  /** Answers that were errors, timeouts, or not the text asked for. */
  bad: number;
}

interface StdioMeasurement extends ServerMeasurement {
  sequential?: Phase;
  pipelined?: Phase;
}

/** One `tools/call echo`, right only if the result's text is exactly the one sent and it is no tool error. */
async function echoRoundTrip(peer: StdioPeer, text: string): Promise<boolean> {
  const result = (await peer.request("tools/call", { name: "echo", arguments: { text } })) as { content?: { text?: string }[]; isError?: boolean };
  return result?.isError !== true && result?.content?.[0]?.text === text;
}

async function phase(peer: StdioPeer, tag: string, calls: number, inflight: number): Promise<Phase> {
  const latencies = new Array<number>(calls);
  let bad = 0;
  const before = await peer.stats();
  const window = openCpuWindow();
  const started = performance.now();
  await inPool(calls, inflight, async (i) => {
    const sent = performance.now();
    const ok = await echoRoundTrip(peer, `echo-${tag}-${i}`).catch(() => false);
    latencies[i] = (performance.now() - sent) * 1000;
    if (!ok && ++bad > MAX_BAD) throw new Error(`${tag}: more than ${MAX_BAD} bad answers, phase abandoned`);
  });
  const seconds = (performance.now() - started) / 1000;
  const after = await peer.stats();
  latencies.sort((a, b) => a - b);
  const serverCpu = after.cpuMicros - before.cpuMicros;
  return {
    perSec: calls / seconds,
    p50Micros: percentile(latencies, 50),
    p99Micros: percentile(latencies, 99),
    cpuMicrosPerCall: serverCpu / calls,
    otherCpuCores: window.close(serverCpu),
    bad,
  };
}

function measure(server: (typeof SERVERS)[number], m: StdioMeasurement, ctx: WorkloadContext): Promise<void> {
  // The host launching a stdio server passes the credential in its environment; the server's own configuration
  // says which key it accepts. One random key per measurement, never written anywhere.
  const key = randomBytes(24).toString("base64url");
  const start = () => startStdioServer(ctx.serverFile(server.id), { [ACCEPTED_KEY_ENV]: key, [CLIENT_KEY_ENV]: key });
  return withServer(start, m, async (peer) => {
    await phase(peer, "warm", WARMUP_CALLS, 1);
    m.sequential = await phase(peer, "seq", ctx.settings.stdioCalls, 1);
    m.pipelined = await phase(peer, "burst", ctx.settings.stdioCalls, ctx.settings.stdioInflight);
  });
}

function summarise(measurements: StdioMeasurement[]) {
  return SERVERS.map(({ id, label }) => {
    const ok = measurements.filter((m): m is Required<StdioMeasurement> => m.id === id && m.pipelined !== undefined);
    const of = (pick: (m: Required<StdioMeasurement>) => number) => medianOf(ok, pick);
    const phaseOf = (which: "sequential" | "pipelined"): Phase => ({
      perSec: of((m) => m[which].perSec),
      p50Micros: of((m) => m[which].p50Micros),
      p99Micros: of((m) => m[which].p99Micros),
      cpuMicrosPerCall: of((m) => m[which].cpuMicrosPerCall),
      otherCpuCores: Math.max(0, ...ok.map((m) => m[which].otherCpuCores)),
      bad: ok.reduce((n, m) => n + m[which].bad, 0),
    });
    return { id, label, runs: ok.length, coldStartMs: of((m) => m.coldStartMs), idleRssMB: of((m) => m.idleRssMB), sequential: phaseOf("sequential"), pipelined: phaseOf("pipelined") };
  }).filter((s) => s.runs > 0);
}

function render(rows: ReturnType<typeof summarise>, inflight: number): string {
  const base = rows.find((r) => r.id === BASELINE);
  const head = ["server", "sequential rt/s", "p50 µs", "p99 µs", `pipelined (${inflight} in flight) rt/s`, "p50 µs", "p99 µs", "server CPU µs/call seq / pipelined", "bad answers", "cold start ms (→ initialize answered)", "idle RSS MB", "others' CPU (cores)", "runs", "× raw SDK seq / pipelined"];
  const body = rows.map((r) => [
    r.label,
    fmt(r.sequential.perSec),
    fmt(r.sequential.p50Micros),
    fmt(r.sequential.p99Micros),
    fmt(r.pipelined.perSec),
    fmt(r.pipelined.p50Micros),
    fmt(r.pipelined.p99Micros),
    `${fmt(r.sequential.cpuMicrosPerCall)} / ${fmt(r.pipelined.cpuMicrosPerCall)}`,
    String(r.sequential.bad + r.pipelined.bad),
    fmt(r.coldStartMs),
    fmt(r.idleRssMB),
    fmt(Math.max(r.sequential.otherCpuCores, r.pipelined.otherCpuCores), 2),
    String(r.runs),
    base ? `${times(r.sequential.perSec / base.sequential.perSec)} / ${times(r.pipelined.perSec / base.pipelined.perSec)}` : "–",
  ]);
  return markdownTable(head, body);
}

function describe(m: StdioMeasurement): string {
  return `${fmt(m.sequential?.perSec)} rt/s sequential, ${fmt(m.pipelined?.perSec)} rt/s pipelined, cold start ${fmt(m.coldStartMs)} ms`;
}

async function run(ctx: WorkloadContext): Promise<WorkloadResult> {
  const { stdioCalls, stdioInflight } = ctx.settings;
  const name = `stdio (${stdioCalls} sequential + ${stdioCalls} pipelined)`;
  const measurements = await eachRound<(typeof SERVERS)[number], StdioMeasurement>(ctx, name, SERVERS, (server, m) => measure(server, m, ctx), describe);
  const rows = summarise(measurements);
  const base = rows.find((r) => r.id === BASELINE);
  const note = (mine: number, theirs: number | undefined) => (theirs === undefined ? undefined : `${times(mine / theirs)} raw SDK`);
  return {
    text: render(rows, stdioInflight),
    data: { calls: stdioCalls, inflight: stdioInflight, warmupCalls: WARMUP_CALLS, summary: rows, measurements },
    charts: [
      { title: "stdio: sequential tools/call round trips", unit: "rt/s", bars: rows.map((r) => ({ label: r.label, value: r.sequential.perSec, note: note(r.sequential.perSec, base?.sequential.perSec) })) },
      { title: `stdio: pipelined, ${stdioInflight} in flight`, unit: "rt/s", bars: rows.map((r) => ({ label: r.label, value: r.pipelined.perSec, note: note(r.pipelined.perSec, base?.pipelined.perSec) })) },
    ],
    startups: rows.map((r) => ({ label: r.label, workload: "stdio", until: "initialize answered", coldStartMs: r.coldStartMs, idleRssMB: r.idleRssMB })),
    problems: measurements.reduce((n, m) => n + (m.failure ? 1 : 0) + (m.sequential?.bad ?? 0) + (m.pipelined?.bad ?? 0), 0),
  };
}

export const stdioWorkload: Workload = {
  id: "stdio",
  title: "JSON-RPC over a child's stdin/stdout (newline-delimited), as an MCP host runs a local server",
  servers: SERVERS.map((s) => s.id),
  run,
};
