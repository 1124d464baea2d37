// Instructions per request, counted by valgrind's callgrind: the same figure run after run, whatever else the
// machine does, where req/s on this 2-core VM moves ±10% between runs. User space only (the kernel's share of a
// socket write is not in it), so it compares request paths, not servers. Needs `valgrind` (Debian package).
//
// The ceiling (bare node:http, bench/servers/bare-http) is counted too: its 2026 / 2025 ratio is what the revision's
// larger messages cost with no framework, the floor for the framework's own.
//
//   npm run build && node dist/bench/instructions.js            # the 2025-11-25 and 2026-07-28 echo calls
//   BENCH_INSTR_CALLS=8000 BENCH_INSTR_WARMUP=15000 node dist/bench/instructions.js
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { LISTENING_MARK, SECRET_ENV } from "./lib/config";
import { CONTENDERS } from "./lib/contenders";
import { baseHeaders, signToken } from "./lib/mcp-client";
import { ECHO_REQUEST, modernForm, probe, type LoadRequest } from "./lib/requests";

const CALLS = Number(process.env.BENCH_INSTR_CALLS ?? 4000);
// Long enough for TurboFan to be done: a shorter warm-up leaves compilation inside the counted window.
const WARMUP = Number(process.env.BENCH_INSTR_WARMUP ?? 15000);
const CONNECTIONS = 10;

interface Shape {
  request: LoadRequest;
  headers: (token: string) => Record<string, string>;
}

const modern = modernForm(ECHO_REQUEST);
const ERAS: [era: string, shape: Shape][] = [
  ["2025-11-25", { request: ECHO_REQUEST, headers: baseHeaders }],
  ["2026-07-28", { request: modern.request, headers: (t) => ({ ...baseHeaders(t), ...modern.headers }) }],
];
/** The ceiling, then mcpcraft: their 2025 rows of the echo workload, labelled as there. */
const SERVERS: [file: string, label: string][] = ["bare-http", "mcpcraft-stateless"].map((id) => [id, CONTENDERS.find((c) => c.id === id)!.label]);

async function load(url: string, headers: Record<string, string>, request: LoadRequest, amount: number): Promise<number> {
  const result = await autocannon({ url, method: "POST", headers, body: request.body, connections: CONNECTIONS, amount, idReplacement: true, timeout: 120 });
  if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.total;
}

/** Starts the stateless bench server under callgrind with instrumentation off, so start-up costs nothing counted. */
async function measure(file: string, shape: Shape): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "mcpcraft-callgrind-"));
  const secret = randomBytes(32);
  const server = join(__dirname, "servers", `${file}.js`);
  const child = spawn("valgrind", ["--tool=callgrind", "--instr-atstart=no", "--smc-check=all-non-file", `--callgrind-out-file=${dir}/out.%p`, process.execPath, server], {
    env: { ...process.env, [SECRET_ENV]: secret.toString("base64url") },
    stdio: ["ignore", "pipe", "ignore"],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let seen = "";
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        seen += chunk;
        const at = seen.indexOf(LISTENING_MARK);
        const end = seen.indexOf("\n", at);
        if (at !== -1 && end !== -1) resolve(seen.slice(at + LISTENING_MARK.length, end).trim());
      });
      child.once("exit", () => reject(new Error("the server under valgrind exited before listening (is valgrind installed?)")));
    });
    const headers = shape.headers(signToken(secret));
    await probe(url, headers, shape.request);
    await load(url, headers, shape.request, WARMUP);
    const pid = String(child.pid);
    execFileSync("callgrind_control", ["--instr=on", pid], { stdio: "ignore" });
    const calls = await load(url, headers, shape.request, CALLS);
    execFileSync("callgrind_control", ["--dump", pid], { stdio: "ignore" });
    let total = 0;
    for (const file of readdirSync(dir)) total += Number(/^summary: (\d+)/m.exec(readFileSync(join(dir, file), "utf8"))?.[1] ?? 0);
    return total / calls;
  } finally {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`callgrind, ${WARMUP} warm-up calls then ${CALLS} counted, ${CONNECTIONS} connections; instructions per call (user space):`);
  const extra: number[] = [];
  for (const [file, label] of SERVERS) {
    const figures: number[] = [];
    for (const [era, shape] of ERAS) {
      figures.push(await measure(file, shape));
      console.log(`  ${label}, ${era} echo call: ${Math.round(figures.at(-1)!).toLocaleString("en-US")}`);
    }
    extra.push(figures[1] - figures[0]);
    console.log(`  ${label}, 2026-07-28 / 2025-11-25: ${(figures[1] / figures[0]).toFixed(3)}× (${Math.round(extra.at(-1)!).toLocaleString("en-US")} more a call)`);
  }
  // What the framework adds for the revision beyond what its messages cost the ceiling.
  console.log(`  mcpcraft's own 2026-07-28 cost: ${Math.round(extra[1] - extra[0]).toLocaleString("en-US")} instructions a call`);
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
