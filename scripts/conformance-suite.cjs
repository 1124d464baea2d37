// One run of the official MCP conformance suite (@modelcontextprotocol/conformance, a devDependency) against a
// server URL at one spec version, `--suite all`, judged by its per-check results (checks.json): in suite mode the
// CLI prints no warnings, so its own exit code and summary are not enough. Used by `npm run conformance` and by
// test/integration/conformance.test.ts. On Node 20 the suite needs a one-function shim (fs.globSync, Node >= 22).
const { spawn } = require("node:child_process");
const { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const pkg = path.join(ROOT, "node_modules", "@modelcontextprotocol", "conformance");
const bin = path.join(pkg, require(path.join(pkg, "package.json")).bin.conformance);
const shim = path.join(ROOT, "test", "fixtures", "conformance-shim", "register.mjs");

/** The spec versions the suite is run at: the 2025 era and the 2026 one, each with every scenario. */
const SPEC_VERSIONS = ["2025-11-25", "2026-07-28"];

/** Runs the suite; resolves to { code, out, passed, failed: [ids], warnings: [ids] }. */
function runSuite(url, specVersion, { echo = false } = {}) {
  const outDir = mkdtempSync(path.join(tmpdir(), `conformance-${specVersion}-`));
  return new Promise((resolve, reject) => {
    const run = spawn(process.execPath, ["--import", shim, bin, "server", "--url", url, "--suite", process.env.CONFORMANCE_SUITE ?? "all", "--spec-version", specVersion, "-o", outDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const take = (d) => {
      out += d;
      if (echo) process.stdout.write(d);
    };
    run.stdout.on("data", take);
    run.stderr.on("data", take);
    run.on("error", reject);
    run.once("exit", (code) => {
      const failed = [];
      const warnings = [];
      let passed = 0;
      for (const dir of existsSync(outDir) ? readdirSync(outDir) : []) {
        const file = path.join(outDir, dir, "checks.json");
        if (!existsSync(file)) continue;
        for (const check of JSON.parse(readFileSync(file, "utf8"))) {
          const id = `${dir.replace(/-\d{4}-\d{2}-\d{2}T.*$/, "")}/${check.id ?? check.name}`;
          if (check.status === "SUCCESS") passed++;
          else if (check.status === "FAILURE") failed.push(`${id}: ${check.errorMessage ?? ""}`);
          else if (check.status === "WARNING") warnings.push(`${id}: ${check.errorMessage ?? ""}`);
        }
      }
      rmSync(outDir, { recursive: true, force: true });
      resolve({ code, out, passed, failed, warnings });
    });
  });
}

module.exports = { runSuite, SPEC_VERSIONS };
