// mcpcraft-sdk with sessions (the default): the bench client initialises once, then every call carries
// mcp-session-id and is still authenticated and checked against the session's principal.
import { announce } from "../lib/child";
import { buildCraftEchoServer } from "../lib/mcpcraft-echo";

void buildCraftEchoServer()
  .listen({ port: 0 })
  .then(({ url }) => announce(url));
