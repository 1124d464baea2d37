// `npm run bench`: every contender in its own process, loaded in turn by autocannon from this process, all on
// 127.0.0.1. Prints a table and req/s ratios against the raw SDK (stateless) and fastmcp, and writes
// .bench-out/results.json. Never part of the test suite: timings are measured here, not asserted.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { SECRET_ENV } from "./lib/config";
import { BASELINES, CONTENDERS, type Contender } from "./lib/contenders";
import { runLoad } from "./lib/load";
import { gitState, machineBusyMicros, ownCpuMicros } from "./lib/machine";
import { baseHeaders, openSession, probeEcho, signToken } from "./lib/mcp-client";
import { ratioLines, summarise, table, type Measurement } from "./lib/report";
import { readSettings, type Settings } from "./lib/settings";
import { startServer } from "./lib/spawn";

// Compiled to <outDir>/bench/run.js, so the repository root is two levels up whatever the outDir.
const ROOT = resolve(__dirname, "..", "..");
const MB = 1024 * 1024;
/** Cores used by other processes during a measurement above which it is flagged, and left out if others are not. */
const OTHER_CPU_WARNING = 0.2;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

async function measure(contender: Contender, round: number, settings: Settings, secret: Buffer): Promise<Measurement> {
  const m: Measurement = { round, id: contender.id, label: contender.label };
  const server = await startServer(join(__dirname, "servers", `${contender.id}.js`), { [SECRET_ENV]: secret.toString("base64url") });
  try {
    m.coldStartMs = server.coldStartMs;
    m.idleRssMB = (await server.stats()).rss / MB;
    // A fresh token per measurement keeps every one well inside the 15-minute lifetime.
    const token = signToken(secret);
    const headers = contender.session ? await openSession(server.url, token) : baseHeaders(token);
    await probeEcho(server.url, headers);
    if (settings.warmup > 0) await runLoad(server.url, headers, settings.warmup, settings.connections);
    const before = await server.stats();
    const [busy0, own0, wall0] = [machineBusyMicros(), ownCpuMicros(), performance.now()];
    Object.assign(m, await runLoad(server.url, headers, settings.duration, settings.connections));
    const [busy1, own1, wall1] = [machineBusyMicros(), ownCpuMicros(), performance.now()];
    const after = await server.stats();
    const others = busy1 - busy0 - (own1 - own0) - (after.cpuMicros - before.cpuMicros);
    m.otherCpuCores = Math.max(0, others) / ((wall1 - wall0) * 1000);
    m.loadedRssMB = after.rss / MB;
    m.cpuMicrosPerReq = m.completed ? (after.cpuMicros - before.cpuMicros) / m.completed : undefined;
  } finally {
    await server.stop();
  }
  return m;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const unknown = settings.only.filter((id) => !CONTENDERS.some((c) => c.id === id));
  if (unknown.length) throw new Error(`BENCH_ONLY names unknown contenders: ${unknown.join(", ")} (known: ${CONTENDERS.map((c) => c.id).join(", ")})`);
  const contenders = settings.only.length ? CONTENDERS.filter((c) => settings.only.includes(c.id)) : CONTENDERS;
  // One secret per run, never written anywhere: children get it in their environment.
  const secret = randomBytes(32);

  log(
    `mcpcraft bench: ${contenders.length} servers × ${settings.rounds} round(s), ${settings.connections} connections, ` +
      `${settings.warmup} s warm-up + ${settings.duration} s measured each, ${cpus().length} CPUs, Node ${process.version}`,
  );
  const measurements: Measurement[] = [];
  // Rounds go across all contenders in turn, so a slow drift of the machine does not favour one of them.
  for (let round = 1; round <= settings.rounds; round++) {
    for (const contender of contenders) {
      log(`round ${round}/${settings.rounds} · ${contender.id} …`);
      // A measurement disturbed by other processes is kept (flagged) and taken again, up to BENCH_RETRIES times.
      for (let attempt = 0; ; attempt++) {
        let m: Measurement;
        try {
          m = await measure(contender, round, settings, secret);
        } catch (err) {
          const failure = (err as Error).message;
          measurements.push({ round, id: contender.id, label: contender.label, failure });
          log(`  FAILED: ${failure}`);
          break;
        }
        measurements.push(m);
        log(
          `  ${Math.round(m.reqPerSec ?? 0)} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, ` +
            `errors ${m.errors} non-2xx ${m.non2xx} bad body ${m.mismatches}, cold start ${Math.round(m.coldStartMs ?? 0)} ms`,
        );
        if ((m.otherCpuCores ?? 0) <= OTHER_CPU_WARNING) break;
        const again = attempt < settings.retries;
        log(`  warning: other processes used ${m.otherCpuCores?.toFixed(2)} of ${cpus().length} cores meanwhile; these figures are skewed${again ? ", measuring again" : ""}`);
        if (!again) break;
      }
    }
  }

  const summaries = summarise(measurements, contenders, BASELINES, OTHER_CPU_WARNING);
  const rendered = table(summaries, BASELINES);
  const ratios = ratioLines(summaries, BASELINES);
  const ratioText = ratios.length ? ratios.map((r) => `  ${r}`).join("\n") : "  (no baseline was measured in this run)";
  process.stdout.write(`\n${rendered}\n\nRatios (req/s, higher is faster; CPU per request, lower is cheaper):\n${ratioText}\n`);

  const outDir = join(ROOT, ".bench-out");
  mkdirSync(outDir, { recursive: true });
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMB: Math.round(totalmem() / MB), node: process.version, platform: process.platform },
    settings,
    source: gitState(ROOT),
    versions: {
      "@modelcontextprotocol/sdk": versionOf("@modelcontextprotocol/sdk"),
      fastmcp: versionOf("fastmcp"),
      autocannon: versionOf("autocannon"),
      jsonwebtoken: versionOf("jsonwebtoken"),
    },
    summary: summaries,
    ratios,
    measurements,
  };
  const file = join(outDir, "results.json");
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nWrote ${file}\n`);
  const failed = measurements.filter((m) => m.failure !== undefined).length;
  // Every measurement counts here, the disturbed ones left out of the medians too.
  const wrong = measurements.reduce((n, m) => n + (m.errors ?? 0) + (m.non2xx ?? 0) + (m.mismatches ?? 0), 0);
  if (failed || wrong) {
    log(`${failed} measurement(s) failed, ${wrong} bad response(s) or error(s): see the table and results.json`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  log(`bench failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exitCode = 1;
});
