import { randomBytes } from "node:crypto";
import { ConfigurationError, type CraftServer, type HttpListenOptions } from "../../src";

/**
 * Starts an example the way its README says: `--stdio` (or MCP_TRANSPORT=stdio) for stdio, else Streamable HTTP
 * on 127.0.0.1:$PORT (default 3000). SIGTERM and SIGINT drain it (see {@link drainOnSignals}).
 */
export async function launch(build: () => CraftServer, opts: { devKeyEnv?: string; http?: HttpListenOptions } = {}): Promise<void> {
  let server: CraftServer;
  try {
    server = build();
  } catch (err) {
    // Misconfiguration (e.g. no keys at all) must stop the server with one readable line, not a stack trace.
    if (!(err instanceof ConfigurationError)) throw err;
    process.stderr.write(`configuration error: ${err.message}. Refusing to serve.\n`);
    process.exit(1);
  }
  drainOnSignals(server);
  const stdio = process.argv.includes("--stdio") || process.env.MCP_TRANSPORT === "stdio";
  if (stdio) {
    await server.listen({ transport: "stdio" });
    return;
  }
  const { url } = await server.listen({ ...opts.http, port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? "127.0.0.1" });
  process.stderr.write(`${server.name} listening on ${url}\n`);
  if (opts.devKeyEnv && process.env.MCPCRAFT_DEV_KEY_PRINT !== "0" && devKeyGenerated) printDevKeyHelp(url, opts.devKeyEnv);
}

/**
 * SIGTERM (a rolling restart) or SIGINT (Ctrl-C): stop taking requests (HTTP answers 503 with `Connection: close`),
 * let in-flight calls finish for up to DRAIN_TIMEOUT_MS (default 10 000), abort what is left, exit 0. A second
 * signal exits 1 at once.
 */
export function drainOnSignals(server: CraftServer): void {
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) process.exit(1);
    draining = true;
    const timeoutMs = Number(process.env.DRAIN_TIMEOUT_MS ?? 10_000);
    process.stderr.write(`${server.name}: ${signal}, draining (up to ${timeoutMs} ms)\n`);
    server.close({ timeoutMs }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

let devKeyGenerated = false;

/**
 * For `npm start` with no configuration: when the variable is unset (and we are not on stdio, where a missing
 * key must fail closed), generate a development key so the server runs with auth on, never off.
 */
export function ensureDevKey(envName: string): void {
  const stdio = process.argv.includes("--stdio") || process.env.MCP_TRANSPORT === "stdio";
  if (stdio || process.env[envName]) return;
  process.env[envName] = `sk-dev-${randomBytes(24).toString("base64url")}`;
  devKeyGenerated = true;
}

function printDevKeyHelp(url: string, envName: string): void {
  const key = process.env[envName];
  process.stderr.write(
    [
      ``,
      `No ${envName} was set, so a development key was generated for this run:`,
      `  ${envName}=${key}`,
      ``,
      `Try it:`,
      `  curl -s ${url} -H 'x-api-key: ${key}' -H 'content-type: application/json' \\`,
      `    -H 'accept: application/json, text/event-stream' \\`,
      `    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'`,
      // inspector-cli 1.0.3 looks for ../package.json relative to the working directory, hence the `cd dist`.
      `  (cd dist && npx mcp-inspector-cli --cli ${url} --transport http --header 'x-api-key: ${key}' --method tools/list)`,
      ``,
      `Set ${envName} yourself (comma-separated for rotation) to use your own keys.`,
      ``,
    ].join("\n"),
  );
}
