// fastmcp 4.20 over httpStream in stateless mode, with an `authenticate` hook running the same JWT check, and
// the filler tools BENCH_TOOLS asks for.
import { FastMCP } from "fastmcp";
import { z } from "zod";
import { FILLER_ANSWER, fillerTools } from "../lib/catalogue";
import { announce } from "../lib/child";
import { secretKeyFromEnv } from "../lib/config";
import { fillerZodShape } from "../lib/filler-zod";
import { freePort } from "../lib/free-port";
import { verifyBearer } from "../lib/jwt-check";

const key = secretKeyFromEnv();

// fastmcp's default logger is `console`, and in stateless mode it calls `console.debug` once per request. Drop
// debug only, so its figure is its request path rather than the cost of writing a log line every request.
const quiet = {
  debug: () => {},
  log: () => {},
  info: (...args: unknown[]) => console.error(...args),
  warn: (...args: unknown[]) => console.error(...args),
  error: (...args: unknown[]) => console.error(...args),
};

const server = new FastMCP<{ sub: string }>({
  name: "bench-fastmcp",
  version: "1.0.0",
  logger: quiet,
  authenticate: async (request) => {
    const sub = verifyBearer(request?.headers.authorization, key);
    // fastmcp turns a thrown Response into the HTTP answer.
    if (!sub) throw new Response(null, { status: 401, statusText: "Unauthorized" });
    return { sub };
  },
});

server.addTool({
  name: "echo",
  description: "Echo a message back",
  parameters: z.object({ text: z.string().describe("Text to echo") }),
  execute: async ({ text }) => text,
});

for (const filler of fillerTools()) {
  server.addTool({ name: filler.name, description: filler.description, parameters: z.object(fillerZodShape()), execute: async () => FILLER_ANSWER });
}

async function main(): Promise<void> {
  const port = await freePort();
  await server.start({ transportType: "httpStream", httpStream: { port, host: "127.0.0.1", stateless: true } });
  announce(`http://127.0.0.1:${port}/mcp`);
}

void main();
