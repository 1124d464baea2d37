// The guide's "API Key Authentication" section, as written, plus two tools to call.
// Run: `node dist/examples/api-key/server.js` (HTTP) or with `--stdio` and API_KEY in the environment.
import { createServer, tool } from "../../src";
import { ensureDevKey, launch } from "../shared/launch";

ensureDevKey("API_KEY");

// --- from the guide, unchanged ---
const server = createServer({
  name: "api-server",
  authenticate: async (headers) => {
    const key = headers["x-api-key"];
    if (!key || key !== process.env.API_KEY) {
      throw new Error("Invalid API key");
    }
  },
});
// ---

server.add(
  tool({
    name: "echo",
    description: "Echo a message back",
    input: { text: { type: "string", description: "Text to echo" } },
    run: async ({ text }) => text,
  }),
  tool({
    name: "server_time",
    description: "The server's current time",
    input: {},
    run: async () => ({ now: new Date().toISOString() }),
  }),
);

void launch(() => server, { devKeyEnv: "API_KEY" });
