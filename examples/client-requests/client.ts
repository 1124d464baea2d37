// Drives examples/client-requests/server.ts over stdio with the official SDK client, as an MCP client app would:
// it asks for progress, shows log lines, answers sampling with a stand-in model and elicitation with a stand-in
// user. Run after `npm run build`: node dist/examples/client-requests/client.js
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";

const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

export async function main(print: (line: string) => void = console.log): Promise<void> {
  const key = process.env.API_KEY ?? "sk-client-requests-demo";
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(__dirname, "server.js"), "--stdio"],
    // The server accepts the keys in its API_KEY and presents API_KEY on stdio: the client's one key.
    env: { API_KEY: key, MCPCRAFT_LOG_LEVEL: "warn" },
  });
  // Sampling and elicitation are client capabilities: without them the server's requests are refused.
  const client = new Client({ name: "client-requests-demo", version: "1.0.0" }, { capabilities: { sampling: {}, elicitation: {} } });
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => print(`log ${n.params.level}: ${JSON.stringify(n.params.data)}`));
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
    const prompt = [req.params.messages[0].content].flat()[0];
    print(`sampling asked: ${prompt.type === "text" ? prompt.text.split("\n")[0] : prompt.type}`);
    return { role: "assistant", model: "stand-in-model", content: { type: "text", text: "A short summary." } };
  });
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    print(`elicitation asked: ${req.params.message}`);
    return { action: "accept", content: { confirm: true, reason: "duplicate" } };
  });
  await client.connect(transport);
  try {
    await client.setLoggingLevel("info");   // the debug line of import_lines is dropped
    const counted = await client.callTool({ name: "count_to", arguments: { to: 3 } }, undefined, {
      onprogress: (p) => print(`progress ${p.progress}/${p.total}: ${p.message}`),
    });
    print(text(counted));
    print(text(await client.callTool({ name: "import_lines", arguments: { text: "a\n\nb" } })));
    print(text(await client.callTool({ name: "summarize", arguments: { text: "MCP lets tools ask the client's model." } })));
    print(text(await client.callTool({ name: "delete_note", arguments: { noteId: "n-1" } })));
  } finally {
    await client.close();
  }
}

if (require.main === module) void main();
