// mcpcraft-sdk with `listen({ stateless: true })`: every request runs the full HTTP pipeline (Host/Origin,
// body limit, authenticate, step-up) on the one pipeline built at start-up, with a connection of its own.
import { announce } from "../lib/child";
import { buildCraftEchoServer } from "../lib/mcpcraft-echo";

void buildCraftEchoServer()
  .listen({ port: 0, stateless: true })
  .then(({ url }) => announce(url));
