// The guide's "Service-to-Service Authentication" section, as written, plus one tool.
// Run: JWT_SECRET=<≥32 random bytes> node dist/examples/service-auth/server.js   (or --stdio with MCP_AUTH_TOKEN)
// The hardened variant with JwtStrategy (algorithms pinned, exp required, lifetime capped): jwt-strategy.server.ts.
import { createServer, tool } from "../../src";
import jwt from "jsonwebtoken"
import { launch } from "../shared/launch";

// --- from the guide, unchanged ---
const server = createServer({
  name: "internal-server",
  authenticate: async (headers) => {
    const token = headers["authorization"]?.replace("Bearer ", "")
    if (!token) throw new Error("Missing token")
    try {
      const payload = jwt.verify(token, process.env.JWT_SECRET!)
      return { service: payload.sub }
    } catch {
      throw new Error("Invalid token")
    }
  }
})
// ---

server.add(
  tool({
    name: "caller",
    description: "Which service is calling",
    input: {},
    run: async (_args, context) => ({ service: context.service }),
  }),
);

void launch(() => server);
