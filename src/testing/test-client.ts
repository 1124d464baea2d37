import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult, GetPromptResult, ListToolsResult, ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import type { DependencyContainer } from "tsyringe";
import type { AuthContext } from "../contracts/auth-context";
import type { Class } from "../metadata";
import { createServer, type ClassServerOptions } from "../server/create-server";
import { CraftServer } from "../server/craft-server";
import { silentLogger } from "../logger";
import type { SdkClient } from "./sdk-client";
import { MockAuthStrategy, toAuthContext, type MockPrincipal } from "./mock-auth.strategy";

/** Options of {@link createTestClient}: a mocked principal (`as`) or headers for the server's real strategy. */
export interface TestClientOptions extends ClassServerOptions {
  /** Call as this principal, bypassing the strategy. */
  as?: MockPrincipal;
  /** Or: authenticate these headers through the server's real strategy (once, like stdio). */
  headers?: Record<string, string>;
  container?: DependencyContainer;
}

/** A connected in-memory client: shortcuts for the common calls, and the SDK client itself for the rest. */
export interface TestClient {
  /** The official SDK client: anything the SDK can do, a test can do (typed as {@link SdkClient}). */
  client: SdkClient;
  server: CraftServer;
  listTools(): Promise<ListToolsResult["tools"]>;
  callTool(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  readResource(uri: string): Promise<ReadResourceResult>;
  getPrompt(name: string, args?: Record<string, string>): Promise<GetPromptResult>;
  close(): Promise<void>;
}

/**
 * Connects the official SDK `Client` to a server over the SDK's in-memory transport.
 *
 * @example
 * ```ts
 * const t = await createTestClient(AdminServer, { as: { subject: "alice", roles: ["admin"] } })
 * const t2 = await createTestClient(AdminServer, { headers: { "x-api-key": "k1" } })
 * await t.callTool("delete_user", { userId: "42" }); await t.close()
 * ```
 */
export async function createTestClient(target: Class | CraftServer, options: TestClientOptions = {}): Promise<TestClient> {
  const { as, headers, ...serverOptions } = options;
  const server =
    target instanceof CraftServer
      ? target
      : createServer(target, { logger: silentLogger, ...(as && !serverOptions.auth ? { auth: MockAuthStrategy.as(as) } : {}), ...serverOptions });
  const pipeline = server.pipeline;
  let auth: AuthContext | undefined;
  if (as) auth = toAuthContext(as);
  else if (headers || pipeline.def.strategy) {
    const lower: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(headers ?? {})) lower[k.toLowerCase()] = v;
    auth = await pipeline.admission.admit({ headers: lower, transport: "memory" });
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const handle = await server.connect(serverSide, auth, "memory");
  const client = new Client({ name: "mcpcraft-test-client", version: "1.0.0" });
  await client.connect(clientSide);
  return {
    client,
    server,
    listTools: async () => (await client.listTools()).tools,
    callTool: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    readResource: (uri) => client.readResource({ uri }),
    getPrompt: (name, args = {}) => client.getPrompt({ name, arguments: args }),
    close: async () => {
      await client.close();
      // A test ends now: in-flight calls are aborted, not waited for as a server's drain would.
      await handle.close({ timeoutMs: 0 });
    },
  };
}
