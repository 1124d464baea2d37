import { performance } from "node:perf_hooks";
import { SECRET_ENV } from "../lib/config";
import { openCpuWindow } from "../lib/cpu-window";
import { fmt, markdownTable, MB, times } from "../lib/format";
import { openSession, signToken } from "../lib/mcp-client";
import { inPool } from "../lib/pool";
import { ECHO_REQUEST, probe } from "../lib/requests";
import { eachRound, withServer, type ServerMeasurement } from "../lib/rounds";
import { startServer, type RunningServer } from "../lib/spawn";
import { medianOf } from "../lib/stats";
import type { Workload, WorkloadContext, WorkloadResult } from "../lib/workload";

/**
 * Sessions opened before the heap is first read: the first ones load lazily required modules and warm the
 * JIT, which is a one-off cost of the process, not of a session.
 */
const WARM_SESSIONS = 20;

const SERVERS = [
  { id: "sdk-stateful", label: "raw SDK stateful (session map)" },
  { id: "mcpcraft-stateful", label: "mcpcraft stateful" },
] as const;
const BASELINE = "sdk-stateful";
/** Failed opens after which the measurement is abandoned rather than tried a thousand times. */
const MAX_FAILURES = 20;

interface SessionMeasurement extends ServerMeasurement {
  /** heapUsed after − before (both right after full GCs), ÷ sessions opened. */
  heapKBPerSession?: number;
  rssAfterMB?: number;
  /** Wall time to open them all (initialize + notifications/initialized each). */
  openMs?: number;
  cpuMicrosPerSession?: number;
  otherCpuCores?: number;
  opened?: number;
  /** initialize or notifications/initialized not answered as it should be. */
  openFailures?: number;
  /** Sessions that answered a checked `tools/call echo` after the heap was read: none was dropped meanwhile. */
  alive?: number;
  firstFailure?: string;
}

/** Opens one session per token, `concurrency` at a time; resolves to the session headers of those that opened. */
async function openAll(url: string, tokens: string[], concurrency: number, m: SessionMeasurement): Promise<Record<string, string>[]> {
  const opened: Record<string, string>[] = [];
  await inPool(tokens.length, concurrency, async (i) => {
    try {
      opened.push(await openSession(url, tokens[i]));
    } catch (err) {
      m.openFailures = (m.openFailures ?? 0) + 1;
      m.firstFailure ??= (err as Error).message;
      if (m.openFailures > MAX_FAILURES) throw new Error(`more than ${MAX_FAILURES} sessions failed to open; first: ${m.firstFailure}`);
    }
  });
  return opened;
}

async function countAlive(url: string, sessions: Record<string, string>[], concurrency: number): Promise<number> {
  let alive = 0;
  await inPool(sessions.length, concurrency, async (i) => {
    // Not `alive += await …`: that reads `alive` before the await and loses the other workers' counts.
    const answered = await probe(url, sessions[i], ECHO_REQUEST).then(() => true, () => false);
    if (answered) alive++;
  });
  return alive;
}

async function measureOpening(server: RunningServer, m: SessionMeasurement, ctx: WorkloadContext): Promise<void> {
  const { sessions: count, sessionConcurrency: concurrency } = ctx.settings;
  // One subject per session, as from distinct clients: mcpcraft caps the sessions one principal may hold.
  const tokens = Array.from({ length: WARM_SESSIONS + count }, (_, i) => signToken(ctx.secret, `bench-client-${i}`));
  await openAll(server.url, tokens.slice(0, WARM_SESSIONS), concurrency, m);
  const before = await server.collect();
  const window = openCpuWindow();
  const started = performance.now();
  const sessions = await openAll(server.url, tokens.slice(WARM_SESSIONS), concurrency, m);
  m.openMs = performance.now() - started;
  const opened = await server.stats();
  m.otherCpuCores = window.close(opened.cpuMicros - before.cpuMicros);
  m.opened = sessions.length;
  m.cpuMicrosPerSession = (opened.cpuMicros - before.cpuMicros) / Math.max(1, sessions.length);
  const after = await server.collect();
  m.heapKBPerSession = (after.heapUsed - before.heapUsed) / Math.max(1, sessions.length) / 1024;
  m.rssAfterMB = after.rss / MB;
  m.alive = await countAlive(server.url, sessions, concurrency);
}

function measure(server: (typeof SERVERS)[number], m: SessionMeasurement, ctx: WorkloadContext): Promise<void> {
  const start = () => startServer(ctx.serverFile(server.id), { [SECRET_ENV]: ctx.secret.toString("base64url") }, ["--expose-gc"]);
  return withServer(start, m, (running) => measureOpening(running, m, ctx));
}

function summarise(measurements: SessionMeasurement[]) {
  return SERVERS.map(({ id, label }) => {
    const ok = measurements.filter((m) => m.id === id && m.failure === undefined);
    const of = (pick: (m: SessionMeasurement) => number | undefined) => medianOf(ok, pick);
    return {
      id,
      label,
      runs: ok.length,
      heapKBPerSession: of((m) => m.heapKBPerSession),
      openMs: of((m) => m.openMs),
      cpuMicrosPerSession: of((m) => m.cpuMicrosPerSession),
      coldStartMs: of((m) => m.coldStartMs),
      idleRssMB: of((m) => m.idleRssMB),
      rssAfterMB: of((m) => m.rssAfterMB),
      maxOtherCpuCores: Math.max(0, ...ok.map((m) => m.otherCpuCores ?? 0)),
      openFailures: ok.reduce((n, m) => n + (m.openFailures ?? 0), 0),
      dropped: ok.reduce((n, m) => n + (m.opened ?? 0) - (m.alive ?? 0), 0),
    };
  }).filter((s) => s.runs > 0);
}

function render(rows: ReturnType<typeof summarise>, count: number): string {
  const base = rows.find((r) => r.id === BASELINE);
  const head = ["server", "heap KB / idle session", `open ${fmt(count)} ms`, "sessions/s", "server CPU µs/session", "open failures / dropped", "cold start ms", "RSS idle → after MB", "others' CPU (cores)", "runs", "heap × raw SDK"];
  const body = rows.map((r) => [
    r.label,
    fmt(r.heapKBPerSession, 1),
    fmt(r.openMs),
    fmt((count / r.openMs) * 1000),
    fmt(r.cpuMicrosPerSession),
    `${r.openFailures} / ${r.dropped}`,
    fmt(r.coldStartMs),
    `${fmt(r.idleRssMB)} → ${fmt(r.rssAfterMB)}`,
    fmt(r.maxOtherCpuCores, 2),
    String(r.runs),
    times(base ? r.heapKBPerSession / base.heapKBPerSession : undefined),
  ]);
  return markdownTable(head, body);
}

function describe(m: SessionMeasurement): string {
  const failures = m.firstFailure ? `; first failure: ${m.firstFailure}` : "";
  return `${fmt(m.heapKBPerSession, 1)} KB heap per session, opened in ${fmt(m.openMs)} ms, ${m.openFailures ?? 0} failed, ${(m.opened ?? 0) - (m.alive ?? 0)} dropped${failures}`;
}

async function run(ctx: WorkloadContext): Promise<WorkloadResult> {
  const measurements = await eachRound<(typeof SERVERS)[number], SessionMeasurement>(ctx, `sessions (${ctx.settings.sessions})`, SERVERS, (server, m) => measure(server, m, ctx), describe);
  const rows = summarise(measurements);
  const count = ctx.settings.sessions;
  return {
    text: render(rows, count),
    data: { sessions: count, concurrency: ctx.settings.sessionConcurrency, warmSessions: WARM_SESSIONS, summary: rows, measurements },
    charts: [
      { title: `Heap per idle session (${fmt(count)} open, after full GC)`, unit: "KB", lowerIsBetter: true, bars: rows.map((r) => ({ label: r.label, value: r.heapKBPerSession, text: fmt(r.heapKBPerSession, 1) })) },
      { title: `Opening ${fmt(count)} sessions (initialize + initialized, ${ctx.settings.sessionConcurrency} at a time)`, unit: "sessions/s", bars: rows.map((r) => ({ label: r.label, value: (count / r.openMs) * 1000, note: `${fmt(r.openMs)} ms in all` })) },
    ],
    startups: rows.map((r) => ({ label: r.label, workload: "sessions (--expose-gc)", until: "listening", coldStartMs: r.coldStartMs, idleRssMB: r.idleRssMB })),
    problems: measurements.reduce((n, m) => n + (m.failure ? 1 : 0) + (m.openFailures ?? 0) + (m.opened ?? 0) - (m.alive ?? 0), 0),
  };
}

export const sessionsWorkload: Workload = {
  id: "sessions",
  title: "opening many stateful sessions and leaving them idle",
  servers: SERVERS.map((s) => s.id),
  run,
};
