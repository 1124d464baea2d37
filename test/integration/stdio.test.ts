import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { DIST, runToExit, stdioClient } from "../fixtures/processes";

const KEYED = path.join(DIST, "test", "fixtures", "servers", "keyed.server.js");

describe("stdio transport", () => {
  it("authenticates the env credential once at start-up through the strategy and serves that principal", async () => {
    const run = await stdioClient(KEYED, { API_KEY: "sk-fixture-good-0123456789" });
    try {
      const r = await run.client.callTool({ name: "whoami", arguments: {} });
      assert.deepEqual(r.structuredContent, { subject: "apikey:good", roles: ["reader"] });
    } finally {
      await run.close();
    }
  });

  for (const [label, env] of [
    ["a wrong key", { API_KEY: "sk-fixture-bad-0123456789" }],
    ["no key", {}],
  ] as const) {
    it(`fails closed with ${label}: exit 1, one stderr line without the key, empty stdout`, async () => {
      const r = await runToExit(process.execPath, [KEYED], env);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^keyed: authentication failed at start-up/);
      assert.ok(!r.stderr.includes("sk-fixture"), "the credential never reaches a log");
    });
  }

  it("keeps stdout JSON-RPC only: console.log in a tool goes to stderr", async () => {
    const child = spawn(process.execPath, [KEYED], { env: { PATH: process.env.PATH, API_KEY: "sk-fixture-good-0123456789" }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const gotReply = new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => {
        stdout += d;
        if (/"id":2/.test(stdout)) resolve();
      }),
    );
    const send = (m: object) => child.stdin.write(JSON.stringify(m) + "\n");
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "chatty", arguments: {} } });
    await gotReply;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end();
    await exited;
    const lines = stdout.trim().split("\n");
    assert.equal(lines.length, 2);
    for (const line of lines) assert.equal(JSON.parse(line).jsonrpc, "2.0");
    assert.match(lines[1], /"text":"done"/);
    assert.match(stderr, /hello from console\.log/);
    assert.match(stderr, /hello from console\.info/);
  });

  it("survives garbage on stdin: every stdout line stays JSON-RPC and valid requests are still answered", async () => {
    const child = spawn(process.execPath, [KEYED], { env: { PATH: process.env.PATH, API_KEY: "sk-fixture-good-0123456789" }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    const gotReply = new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => {
        stdout += d;
        if (/"id":99/.test(stdout)) resolve();
      }),
    );
    const write = (line: string) => child.stdin.write(line + "\n");
    write(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }));
    write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    for (const junk of ["not json", "{", "[]", "42", '{"jsonrpc":"2.0","id":2}', '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"whoami","arguments":[1]}}', "[".repeat(5000) + "]".repeat(5000), "\u0000"])
      write(junk);
    write(JSON.stringify({ jsonrpc: "2.0", id: 99, method: "tools/call", params: { name: "whoami", arguments: {} } }));
    await gotReply;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end();
    await exited;
    for (const line of stdout.trim().split("\n")) assert.equal(JSON.parse(line).jsonrpc, "2.0", line);
    assert.match(stdout, /"id":99,?.*apikey:good|apikey:good.*"id":99/);
  });
});
