// mcpcraft-sdk over stdio, as an MCP host launches it: `ApiKeyStrategy` with the accepted key in its options and
// the client's credential in API_KEY, checked once at start-up (stdio has one caller for the process's life).
import { ApiKeyStrategy } from "../../src";
import { serveStats } from "../lib/child";
import { buildCraftEchoServer } from "../lib/mcpcraft-echo";
import { acceptedKeyFromEnv } from "../lib/stdio-key";

const auth = new ApiKeyStrategy({ keys: [{ id: "bench", key: acceptedKeyFromEnv() }] });
void buildCraftEchoServer(auth)
  .listen({ transport: "stdio" })
  .then(() => serveStats());
