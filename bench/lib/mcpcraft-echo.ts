import { createServer, JwtStrategy, tool, type CraftServer } from "../../src";
import { AUDIENCE, ISSUER, secretKeyFromEnv } from "./config";

/**
 * The mcpcraft-sdk contenders' server, written as a user would: `createServer` + `tool()` + `JwtStrategy`
 * with the secret as a KeyObject, and the default logger (which logs nothing per request).
 */
export function buildCraftEchoServer(): CraftServer {
  const server = createServer({
    name: "bench-mcpcraft",
    version: "1.0.0",
    auth: new JwtStrategy({ secret: secretKeyFromEnv(), issuer: ISSUER, audience: AUDIENCE }),
  });
  server.add(
    tool({
      name: "echo",
      description: "Echo a message back",
      input: { text: { type: "string", description: "Text to echo" } },
      run: async ({ text }: { text: string }) => text,
    }),
  );
  return server;
}
