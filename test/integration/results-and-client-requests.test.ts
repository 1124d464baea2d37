import { strict as assert } from "node:assert";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { DIST, startHttpExample, type RunningServer } from "../fixtures/processes";

const SERVER = path.join(DIST, "test", "fixtures", "servers", "client-requests.server.js");

/** The official client, able to sample and elicit: it answers "4" and the contact details given. */
async function connect(transport: Transport, elicitAnswer: Record<string, unknown>): Promise<{ client: Client; asked: string[] }> {
  const client = new Client({ name: "client-requests-test", version: "1.0.0" }, { capabilities: { sampling: {}, elicitation: {} } });
  const asked: string[] = [];
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
    const first = req.params.messages[0].content as { type: string; text?: string };
    asked.push(`sample:${first.type === "text" ? first.text : "?"}:${req.params.maxTokens}`);
    return { role: "assistant", content: { type: "text", text: "4" }, model: "test-model" };
  });
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(`elicit:${req.params.message}:${JSON.stringify((req.params as { requestedSchema?: unknown }).requestedSchema)}`);
    return { action: "accept", content: elicitAnswer };
  });
  await client.connect(transport);
  return { client, asked };
}

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === "text" ? c.text : c.type)).join("|");

function suite(name: string, transport: () => Transport | Promise<Transport>) {
  describe(`structured results, content helpers, ctx.sample and ctx.elicit over ${name}`, () => {
    const open = async (answer: Record<string, unknown> = { name: "Ada", channel: "email" }) => connect(await transport(), answer);

    it("lists the outputSchema from the DTO and from JSON Schema, and validates structured results against it", async () => {
      const { client } = await open();
      try {
        const tools = (await client.listTools()).tools;
        const report = tools.find((t) => t.name === "report")!;
        assert.deepEqual(report.outputSchema?.required?.sort(), ["score", "title"]);
        assert.equal(tools.find((t) => t.name === "counted")!.outputSchema?.properties?.count !== undefined, true);
        const ok = (await client.callTool({ name: "report", arguments: {} })) as CallToolResult;
        assert.deepEqual(ok.structuredContent, { title: "Q4", score: 87 });
        assert.notEqual(ok.isError, true);
        const counted = (await client.callTool({ name: "counted", arguments: {} })) as CallToolResult;
        assert.deepEqual(counted.structuredContent, { count: 3 });
        // The SDK client would itself refuse a result that breaks the schema; the server must not send one.
        const bad = (await client.callTool({ name: "bad_report", arguments: {} })) as CallToolResult;
        assert.equal(bad.isError, true);
        assert.match(textOf(bad), /does not match its outputSchema: score: /);
        assert.equal(bad.structuredContent, undefined);
      } finally {
        await client.close();
      }
    });

    it("mixes text, image and resource-link blocks built with the content helpers", async () => {
      const { client } = await open();
      try {
        const r = (await client.callTool({ name: "mixed", arguments: {} })) as CallToolResult;
        assert.deepEqual(r.content.map((c) => c.type), ["text", "image", "resource_link"]);
        const img = r.content[1] as { data: string; mimeType: string };
        assert.equal(img.mimeType, "image/png");
        assert.equal(Buffer.from(img.data, "base64").subarray(1, 4).toString(), "PNG");
      } finally {
        await client.close();
      }
    });

    it("ctx.sample asks the client's model and ctx.elicit asks the user with the DTO's schema, validating the answer", async () => {
      const { client, asked } = await open();
      try {
        assert.equal(textOf((await client.callTool({ name: "ask_model", arguments: {} })) as CallToolResult), "model said: 4");
        assert.equal(textOf((await client.callTool({ name: "ask_user", arguments: {} })) as CallToolResult), "reach Ada by email (a Contact)");
        assert.equal(asked[0], "sample:What is 2 + 2?:10");
        const requested = JSON.parse(asked[1].split(":").slice(2).join(":"));
        assert.deepEqual(Object.keys(requested.properties).sort(), ["channel", "name"]);
        assert.deepEqual(requested.properties.channel.enum, ["email", "phone"]);
      } finally {
        await client.close();
      }
    });

    it("an elicitation answer outside the requested schema is refused, not believed", async () => {
      const { client } = await open({ name: "Ada", channel: "carrier pigeon" });
      try {
        const r = (await client.callTool({ name: "ask_user", arguments: {} })) as CallToolResult;
        assert.equal(r.isError, true);
        assert.match(textOf(r), /does not match the requested schema: channel/);
      } finally {
        await client.close();
      }
    });
  });
}

let http: RunningServer;
before(async () => {
  http = await startHttpExample(SERVER);
});
after(() => http?.stop());

suite("Streamable HTTP (a stateful session)", () => new StreamableHTTPClientTransport(new URL(http.url)));
suite("stdio (a real child process)", () => new StdioClientTransport({ command: process.execPath, args: [SERVER, "--stdio"], env: { MCPCRAFT_LOG_LEVEL: "warn" }, stderr: "pipe" }));
