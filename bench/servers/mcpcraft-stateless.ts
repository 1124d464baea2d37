// mcpcraft-sdk with `listen({ stateless: true })`: every request runs the full HTTP pipeline (Host/Origin,
// body limit, authenticate, step-up) and gets its own SDK server and transport.
import { announce } from "../lib/child";
import { buildCraftEchoServer } from "../lib/mcpcraft-echo";

void buildCraftEchoServer()
  .listen({ port: 0, stateless: true })
  .then(({ url }) => announce(url));
