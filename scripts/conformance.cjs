// `npm run conformance`: the official MCP conformance suite, every scenario (`--suite all`), against the
// decorator-API conformance server (examples/conformance/server.ts, compiled by `npm run build`), with no
// expected-failures file: any failure or warning fails the run. On Node 20 the suite (0.1.16) needs a one-function
// shim (fs.globSync, Node >= 22), loaded with --import; on Node 22+ it is harmless.
const { spawn } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const pkg = path.join(ROOT, "node_modules", "@modelcontextprotocol", "conformance");
const bin = path.join(pkg, require(path.join(pkg, "package.json")).bin.conformance);
const shim = path.join(ROOT, "test", "fixtures", "conformance-shim", "register.mjs");

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

started
  .then(
    (url) =>
      new Promise((resolve) => {
        const run = spawn(process.execPath, ["--import", shim, bin, "server", "--url", url, "--suite", process.env.CONFORMANCE_SUITE ?? "all"], { stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        run.stdout.on("data", (d) => {
          out += d;
          process.stdout.write(d);
        });
        run.once("exit", (code) => {
          // No baseline: a warning is a failure too, so the suite's own pass is not enough.
          const warnings = (out.match(/WARNING/g) ?? []).length;
          if (warnings) process.stderr.write(`conformance: ${warnings} warning(s), counted as failures\n`);
          resolve(code === 0 && warnings === 0 ? 0 : 1);
        });
      }),
  )
  .then(
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
