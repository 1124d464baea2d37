import { createServer, JwtStrategy, tool, type AuthStrategy, type CraftServer } from "../../src";
import { FILLER_ANSWER, FILLER_FIELDS, fillerTools } from "./catalogue";
import { AUDIENCE, ISSUER, secretKeyFromEnv } from "./config";

/** What the HTTP contenders check on every request: the bench JWT, with the secret as a KeyObject. */
export function benchJwtStrategy(): JwtStrategy {
  return new JwtStrategy({ secret: secretKeyFromEnv(), issuer: ISSUER, audience: AUDIENCE });
}

const fillerInput = Object.fromEntries(FILLER_FIELDS.map(({ name, type, description, optional }) => [name, { type, description, optional }]));

/**
 * The mcpcraft-sdk contenders' server, written as a user would: `createServer` + `tool()` and a strategy,
 * with the default logger (which logs nothing per request), plus the filler tools `BENCH_TOOLS` asks for.
 */
export function buildCraftEchoServer(auth: AuthStrategy = benchJwtStrategy()): CraftServer {
  const server = createServer({ name: "bench-mcpcraft", version: "1.0.0", auth });
  server.add(
    tool({
      name: "echo",
      description: "Echo a message back",
      input: { text: { type: "string", description: "Text to echo" } },
      run: async ({ text }: { text: string }) => text,
    }),
  );
  for (const filler of fillerTools()) {
    server.add(tool({ name: filler.name, description: filler.description, input: fillerInput, run: async () => FILLER_ANSWER }));
  }
  return server;
}
