import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { httpClient, runToExit, startHttpExample, type RunningServer } from "../fixtures/processes";

// Compiled to dist/test/integration/, so the repository root is three levels up.
const ROOT = path.resolve(__dirname, "..", "..", "..");
const CHECKOUT = "/path/to/mcpcraft-sdk";

interface ServerEntry {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  type?: string;
  url?: string;
  headers?: Record<string, string>;
}

/** The JSON block after `<!-- client-config: <name> -->` in docs/clients.md, parsed; its one server entry. */
function documented(name: string): ServerEntry {
  const text = readFileSync(path.join(ROOT, "docs", "clients.md"), "utf8");
  const block = new RegExp(`<!-- client-config: ${name} -->\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(text);
  assert.ok(block, `docs/clients.md has no client-config "${name}" block`);
  const servers = Object.values(JSON.parse(block[1]).mcpServers as Record<string, ServerEntry>);
  assert.equal(servers.length, 1);
  return servers[0];
}

/** `${VAR}` as clients expand it, from the given environment. */
const expand = (value: string, env: Record<string, string>) => value.replace(/\$\{(\w+)\}/g, (_, v: string) => env[v] ?? assert.fail(`${v} is not set`));

async function whoAmI(client: Pick<Client, "callTool">): Promise<unknown> {
  const result = await client.callTool({ name: "who_am_i", arguments: {} });
  return result.structuredContent;
}

describe("docs/clients.md: the documented client configurations work", () => {
  it("stdio (Claude Desktop): launched from command, args and env as written, the key from env authenticates", async () => {
    const entry = documented("stdio");
    assert.equal(entry.command, "node");
    const args = entry.args!.map((a) => a.replace(CHECKOUT, ROOT));
    assert.ok(args[0].startsWith(path.join(ROOT, "dist")), "the documented path must point into dist/");
    const transport = new StdioClientTransport({ command: entry.command!, args, env: entry.env, stderr: "pipe" });
    const client = new Client({ name: "claude-desktop-stand-in", version: "1.0.0" });
    await client.connect(transport);
    try {
      assert.deepEqual(await whoAmI(client), { subject: "apikey:desktop", roles: ["reader"] });
      const notes = await client.callTool({ name: "list_notes", arguments: {} });
      assert.deepEqual(notes.content, [{ type: "text", text: "Buy milk\nShip the release" }]);
    } finally {
      await client.close();
    }
  });

  it("stdio with a wrong key: the server refuses to start, as the troubleshooting table says", async () => {
    const entry = documented("stdio");
    const args = entry.args!.map((a) => a.replace(CHECKOUT, ROOT));
    const run = await runToExit(process.execPath, args, { ...entry.env, API_KEY: "sk-not-the-configured-key" });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /authentication failed at start-up \(Invalid credentials\)/);
    assert.ok(!run.stderr.includes("sk-not-the-configured-key"), "the key must never be logged");
  });

  describe("Streamable HTTP", () => {
    let server: RunningServer;
    const clientEnv = { MCP_API_KEY: documented("mcp-remote").env!.MCP_API_KEY };
    before(async () => (server = await startHttpExample(path.join(ROOT, "dist", "examples", "clients", "server.js"))));
    after(() => server.stop());

    /** The documented URL on the port the test server got. */
    const onTestPort = (url: string) => Object.assign(new URL(url), { port: new URL(server.url).port }).href;

    it("native HTTP config: its url and headers (with ${MCP_API_KEY} expanded) authenticate", async () => {
      const entry = documented("http");
      assert.equal(entry.type, "http");
      assert.equal(new URL(entry.url!).pathname, "/mcp");
      const headers = Object.fromEntries(Object.entries(entry.headers!).map(([k, v]) => [k, expand(v, clientEnv)]));
      const client = await httpClient(onTestPort(entry.url!), headers);
      assert.deepEqual(await whoAmI(client), { subject: "apikey:desktop", roles: ["reader"] });
      await client.close();
    });

    it("mcp-remote config: the URL and the --header it would send authenticate", async () => {
      const entry = documented("mcp-remote");
      assert.deepEqual(entry.args!.slice(0, 2), ["-y", "mcp-remote"]);
      const url = entry.args![2];
      const header = entry.args![entry.args!.indexOf("--header") + 1];
      assert.match(header, /^[\w-]+:\S+$/, "name:value without spaces, as mcp-remote needs on Windows");
      const [name, ...value] = header.split(":");
      const client = await httpClient(onTestPort(url), { [name]: expand(value.join(":"), entry.env!) });
      assert.deepEqual(await whoAmI(client), { subject: "apikey:desktop", roles: ["reader"] });
      await client.close();
    });
  });
});
