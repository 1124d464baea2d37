// docs/first-server.md, run as a newcomer would: every command on the page in this checkout (which `npm test`
// has just built, as `npm start` and `npm run build` would), its output compared with the one the page shows.
// Only what cannot be the same on two runs is evened out: the port, the generated key and mocha's timings.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { waitFor } from "../fixtures/oauth";
import { runToExit, startHttpExample, type RunningServer } from "../fixtures/processes";

// Compiled to dist/test/integration/, so the repository root is three levels up.
const ROOT = path.resolve(__dirname, "..", "..", "..");
const PAGE = readFileSync(path.join(ROOT, "docs", "first-server.md"), "utf8");
const CHECKOUT = "/path/to/mcpcraft-sdk";
const DOC_PORT = "3000";

/** The body of the fenced block right after `<!-- <kind>: <name> -->`. */
function block(kind: "step" | "output" | "client-config", name: string): string {
  const found = new RegExp(`<!-- ${kind}: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(PAGE);
  assert.ok(found, `docs/first-server.md has no "${kind}: ${name}" block`);
  return found[1];
}

/** Runs one shell command line from the page in the repository root. */
const shell = (line: string) => runToExit("bash", ["-c", line], {}, 30_000, ROOT);

/** A step's command, aimed at the server this test started instead of port 3000. */
const aimed = (name: string, server: RunningServer, swap: [string, string][] = []) =>
  swap.reduce((line, [from, to]) => line.split(from).join(to), block("step", name).replace(`127.0.0.1:${DOC_PORT}`, new URL(server.url).host));

const portOf = (server: RunningServer) => new URL(server.url).port;

describe("docs/first-server.md: a newcomer's path, each command with the output the page shows", () => {
  describe("1–2: npm start, and a call with the Inspector CLI", () => {
    let server: RunningServer;
    let key: string;
    let docKey: string;

    before(async () => {
      assert.equal(block("step", "start"), "npm install && npm start");
      const start = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.start as string;
      const [build, run] = start.split(" && ");
      assert.equal(build, "npm run build", "npm start builds first (npm test has just done the same build)");
      server = await startHttpExample(path.join(ROOT, run.replace(/^node /, "")), { MCPCRAFT_LOG_LEVEL: undefined });
      const banner = await waitFor("the development-key banner", () => /API_KEY=(\S+)[\s\S]*yourself.*\n/.exec(server.stderr()) ?? undefined);
      key = banner[1];
      docKey = /API_KEY=(\S+)/.exec(block("output", "start"))![1];
    });
    after(() => server?.stop());

    it("npm start prints where it listens, a generated key and how to call it, as shown", () => {
      const printed = server.stderr().split(key).join(docKey).split(`:${portOf(server)}/`).join(`:${DOC_PORT}/`);
      assert.equal(printed.trimEnd(), block("output", "start"));
    });

    it("the Inspector CLI calls echo with that key", async () => {
      const run = await shell(aimed("call-echo", server, [[docKey, key]]));
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), JSON.parse(block("output", "call-echo")));
    });

    it("and is refused without it", async () => {
      const run = await shell(aimed("call-echo-no-key", server));
      assert.equal(run.code, 1);
      assert.ok(run.stderr.trim().endsWith(block("output", "call-echo-no-key")), run.stderr);
    });
  });

  describe("3: the first authenticated tools", () => {
    let server: RunningServer;

    before(async () => {
      const [build, run] = block("step", "start-notes").split("\n");
      assert.equal(build, "npm run build");
      const words = run.split(" ");
      const env = Object.fromEntries(words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split("=") as [string, string]));
      assert.deepEqual(words.slice(Object.keys(env).length, -1), ["node"]);
      server = await startHttpExample(path.join(ROOT, words.at(-1)!), { ...env, MCPCRAFT_LOG_LEVEL: undefined });
    });
    after(() => server?.stop());

    it("starts, saying where it listens", () => {
      assert.equal(server.stderr().split(`:${portOf(server)}/`).join(`:${DOC_PORT}/`).trimEnd(), block("output", "start-notes"));
    });

    it("bob adds a note, signed with his subject", async () => {
      const run = await shell(aimed("bob-adds", server));
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), JSON.parse(block("output", "bob-adds")));
    });

    it("bob may not clear the notes", async () => {
      const run = await shell(aimed("bob-clears", server));
      assert.equal(run.code, 1);
      assert.ok(run.stderr.trim().endsWith(block("output", "bob-clears")), run.stderr);
      assert.match(server.stderr(), /"event":"authz.denied".*"subject":"apikey:bob".*"tool":"clear_notes"/);
      assert.doesNotMatch(server.stderr(), /sk-bob-0123456789abcdef/);
    });

    it("alice may", async () => {
      const run = await shell(aimed("alice-clears", server));
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), JSON.parse(block("output", "alice-clears")));
    });

    it("refuses to start with a key missing", async () => {
      const run = await shell(`BOB_KEY=sk-bob-0123456789abcdef PORT=0 node dist/docs/examples/first-server.js`);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /ApiKeyStrategy: key "alice" needs "key" or a hex "sha256"/);
      assert.doesNotMatch(run.stderr, /listening/);
    });
  });

  it("4: the mocha test passes, printing what the page shows", async () => {
    const run = await shell(block("step", "mocha"));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const printed = run.stdout.replace(/ \(\d+ms\)/g, "").replace(/passing \(\d+m?s\)/, "passing").replace(/^\n+/, "").trimEnd();
    assert.equal(printed, block("output", "mocha").replace(/passing \(\d+m?s\)/, "passing"));
  });

  it("5: Claude Desktop's configuration starts the server over stdio, and it serves as the key's owner", async () => {
    const entry = Object.values(JSON.parse(block("client-config", "first-server")).mcpServers as Record<string, { command: string; args: string[]; env: Record<string, string> }>);
    assert.equal(entry.length, 1);
    const [{ command, args, env }] = entry;
    assert.equal(command, "node");
    const transport = new StdioClientTransport({ command, args: args.map((a) => a.replace(CHECKOUT, ROOT)), env, stderr: "pipe" });
    const client = new Client({ name: "claude-desktop-stand-in", version: "1.0.0" });
    await client.connect(transport);
    try {
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ["add_note"]);
      const added = await client.callTool({ name: "add_note", arguments: { text: "From the desktop" } });
      assert.deepEqual(added.content, [{ type: "text", text: "From the desktop (apikey:bob)" }]);
    } finally {
      await client.close();
    }
  });
});
