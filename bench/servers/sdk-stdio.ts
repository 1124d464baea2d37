// The raw SDK over stdio: McpServer + StdioServerTransport. It checks the same API key as mcpcraft's stdio
// contender, once at start-up and in constant time, so both pay for the same credential check.
import { createHash, timingSafeEqual } from "node:crypto";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { serveStats } from "../lib/child";
import { CLIENT_KEY_ENV } from "../lib/config";
import { buildSdkEchoServer } from "../lib/sdk-echo";
import { acceptedKeyFromEnv } from "../lib/stdio-key";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
if (!timingSafeEqual(digest(process.env[CLIENT_KEY_ENV] ?? ""), digest(acceptedKeyFromEnv()))) {
  process.stderr.write(`authentication failed at start-up; set ${CLIENT_KEY_ENV}\n`);
  process.exit(1);
}

void buildSdkEchoServer()
  .connect(new StdioServerTransport())
  .then(() => serveStats());
