import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { DIST, example, runToExit, startHttpExample, type RunningServer } from "../fixtures/processes";

const ROOT = path.resolve(DIST, "..");
const CONFORMANCE_PKG = path.join(ROOT, "node_modules", "@modelcontextprotocol", "conformance");
const CONFORMANCE_BIN = path.join(CONFORMANCE_PKG, JSON.parse(readFileSync(path.join(CONFORMANCE_PKG, "package.json"), "utf8")).bin.conformance);
/** conformance 0.1.16 imports fs.globSync (Node >= 22); the shim supplies it on Node 20. Plain .mjs, not compiled. */
const SHIM = path.join(ROOT, "test", "fixtures", "conformance-shim", "register.mjs");
/**
 * Checks passed by the decorator-API example with `--suite all` (32 scenarios) when this test was written. There
 * is no expected-failures file: every scenario must pass, with no warning.
 */
const ALL_SUITES_PASSED = 47;

function conformance(url: string, ...extra: string[]) {
  return runToExit(process.execPath, ["--import", SHIM, CONFORMANCE_BIN, "server", "--url", url, ...extra], {}, 25_000);
}

describe("the official MCP conformance suite (@modelcontextprotocol/conformance) against examples/conformance", function () {
  this.timeout(30_000);
  let srv: RunningServer;

  before(async () => {
    srv = await startHttpExample(example("conformance/server.js"), { HOST: "127.0.0.1" });
  });
  after(() => srv.stop());

  it("listens on loopback only", () => {
    assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it("passes every scenario of --suite all (active and pending) with no expected-failures file and no warning", async () => {
    const run = await conformance(srv.url, "--suite", "all");
    const out = run.stdout + run.stderr;
    assert.equal(run.code, 0, out);
    assert.deepEqual([...out.matchAll(/^✗ ([a-z0-9-]+):/gm)].map((m) => m[1]), [], "failing scenarios");
    assert.equal((out.match(/WARNING/g) ?? []).length, 0, `warnings:\n${out}`);
    const total = /^Total: (\d+) passed, (\d+) failed$/m.exec(out);
    assert.ok(total, `no "Total:" line in:\n${out}`);
    assert.ok(Number(total[1]) >= ALL_SUITES_PASSED, `passed checks fell from ${ALL_SUITES_PASSED} to ${total[1]}\n${out}`);
    assert.equal(Number(total[2]), 0, out);
  });

  it("is written with the decorator API", () => {
    const source = readFileSync(path.join(ROOT, "examples", "conformance", "server.ts"), "utf8");
    assert.match(source, /@Server\(/);
    assert.doesNotMatch(source, /\btool\(\{/, "no functional tool() in the conformance server");
  });
});
