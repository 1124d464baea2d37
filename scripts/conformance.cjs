// `npm run conformance`: the official MCP conformance suite, every scenario (`--suite all`), at spec versions
// 2025-11-25 and 2026-07-28, against the decorator-API conformance server (examples/conformance/server.ts,
// compiled by `npm run build`), with no expected-failures file: any failure or warning fails the run.
const { spawn } = require("node:child_process");
const path = require("node:path");
const { runSuite, SPEC_VERSIONS } = require("./conformance-suite.cjs");

const ROOT = path.resolve(__dirname, "..");
const server = spawn(process.execPath, [path.join(ROOT, "dist", "examples", "conformance", "server.js")], {
  env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", MCPCRAFT_LOG_LEVEL: "warn" },
  stdio: ["ignore", "inherit", "pipe"],
});
let stderr = "";
const started = new Promise((resolve, reject) => {
  server.stderr.on("data", (d) => {
    stderr += d;
    process.stderr.write(d);
    const m = /listening on (http:\/\/\S+)/.exec(stderr);
    if (m) resolve(m[1]);
  });
  server.once("exit", (code) => reject(new Error(`the conformance server exited early (${code})`)));
});

async function main() {
  const url = await started;
  let ok = true;
  for (const spec of (process.env.CONFORMANCE_SPEC ?? SPEC_VERSIONS.join(",")).split(",")) {
    const r = await runSuite(url, spec, { echo: true });
    process.stdout.write(`conformance ${spec}: ${r.passed} checks passed, ${r.failed.length} failed, ${r.warnings.length} warnings (exit ${r.code})\n`);
    for (const line of [...r.failed, ...r.warnings]) process.stdout.write(`  ${line}\n`);
    ok &&= r.code === 0 && r.failed.length === 0 && r.warnings.length === 0 && r.passed > 0;
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    server.kill("SIGTERM");
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`${err.message}\n`);
    server.kill("SIGTERM");
    process.exitCode = 1;
  },
);
