import assert from "node:assert/strict";
import path from "node:path";
import { spawn } from "node:child_process";
import { DIST, example, startHttpExample, type RunningServer } from "../fixtures/processes";

const CLI = path.resolve(DIST, "..", "node_modules", "@modelcontextprotocol", "inspector-cli", "build", "cli.js");
const KEY = "sk-inspector-0123456789abcdef";

function safeJson(s: string): any {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/**
 * inspector-cli 1.0.3 decides where its own package.json is by `existsSync("../package.json")` relative to the
 * working directory, so it runs from dist/ (whose parent holds a package.json), with absolute paths.
 */
function inspectorIn(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "--cli", ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr, json: safeJson(stdout) }));
  });
}

describe("the official MCP Inspector CLI against the API-key example", () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startHttpExample(example("api-key/server.js"), { API_KEY: KEY });
  });
  after(() => srv.stop());

  it("lists and calls tools over HTTP with --header x-api-key", async () => {
    const list = await inspectorIn(DIST, [srv.url, "--transport", "http", "--header", `x-api-key: ${KEY}`, "--method", "tools/list"]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.json.tools.map((t: { name: string }) => t.name).sort(), ["echo", "server_time"]);
    const call = await inspectorIn(DIST, [srv.url, "--transport", "http", "--header", `x-api-key: ${KEY}`, "--method", "tools/call", "--tool-name", "echo", "--tool-arg", "text=hello"]);
    assert.equal(call.code, 0, call.stderr);
    assert.deepEqual(call.json.content, [{ type: "text", text: "hello" }]);
  });

  it("is refused over HTTP without the header", async () => {
    const r = await inspectorIn(DIST, [srv.url, "--transport", "http", "--method", "tools/list"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /-32001/);
  });

  it("lists and calls tools over stdio with -e API_KEY=…", async () => {
    const script = example("api-key/server.js");
    const list = await inspectorIn(DIST, ["-e", `API_KEY=${KEY}`, process.execPath, script, "--stdio", "--method", "tools/list"]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.json.tools.length, 2);
    const call = await inspectorIn(DIST, ["-e", `API_KEY=${KEY}`, process.execPath, script, "--stdio", "--method", "tools/call", "--tool-name", "echo", "--tool-arg", "text=via-stdio"]);
    assert.equal(call.code, 0, call.stderr);
    assert.deepEqual(call.json.content, [{ type: "text", text: "via-stdio" }]);
  });
});
