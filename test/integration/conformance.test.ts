import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { DIST, example, startHttpExample, type RunningServer } from "../fixtures/processes";

const ROOT = path.resolve(DIST, "..");
/** scripts/conformance-suite.cjs, shared with `npm run conformance`: one run, judged by its checks.json. */
const { runSuite, SPEC_VERSIONS } = require(path.join(ROOT, "scripts", "conformance-suite.cjs")) as {
  runSuite(url: string, spec: string): Promise<{ code: number | null; out: string; passed: number; failed: string[]; warnings: string[] }>;
  SPEC_VERSIONS: string[];
};
/**
 * Checks passed by the decorator-API example with `--suite all` (conformance 0.2.0-alpha.11) when this test was
 * written. There is no expected-failures file: every scenario must pass, with no warning.
 */
const PASSED_AT_LEAST: Record<string, number> = { "2025-11-25": 84, "2026-07-28": 151 };

describe("the official MCP conformance suite (@modelcontextprotocol/conformance) against examples/conformance", function () {
  this.timeout(60_000);
  let srv: RunningServer;

  before(async () => {
    srv = await startHttpExample(example("conformance/server.js"), { HOST: "127.0.0.1" });
  });
  after(() => srv.stop());

  it("listens on loopback only", () => {
    assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it("runs at both eras' spec versions", () => assert.deepEqual(SPEC_VERSIONS, ["2025-11-25", "2026-07-28"]));

  for (const spec of ["2025-11-25", "2026-07-28"]) {
    it(`passes every scenario of --suite all at --spec-version ${spec}, with no expected-failures file and no warning`, async () => {
      const run = await runSuite(srv.url, spec);
      assert.equal(run.code, 0, run.out);
      assert.deepEqual(run.failed, [], "failed checks");
      assert.deepEqual(run.warnings, [], "warnings");
      assert.ok(run.passed >= PASSED_AT_LEAST[spec], `passed checks fell from ${PASSED_AT_LEAST[spec]} to ${run.passed}\n${run.out}`);
    });
  }

  it("is written with the decorator API", () => {
    const source = readFileSync(path.join(ROOT, "examples", "conformance", "server.ts"), "utf8");
    assert.match(source, /@Server\(/);
    assert.doesNotMatch(source, /\btool\(\{/, "no functional tool() in the conformance server");
  });
});
