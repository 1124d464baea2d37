import {
  InitializeRequestSchema,
  LATEST_PROTOCOL_VERSION,
  PingRequestSchema,
  SetLevelRequestSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type ServerCapabilities,
} from "@modelcontextprotocol/sdk/types.js";
import type { ServerDefinition } from "../definition";
import { method, type MethodTable } from "../method-table";

/** What this server offers, derived once from its definition. */
export function capabilitiesOf(def: ServerDefinition): ServerCapabilities {
  const templates = def.resources.some((r) => r.template);
  return {
    tools: {},
    logging: {},
    ...(def.resources.length ? { resources: { subscribe: true } } : {}),
    ...(def.prompts.size ? { prompts: {} } : {}),
    ...(def.prompts.size || templates ? { completions: {} } : {}),
  };
}

/** The version `initialize` settles on: the client's when this server speaks it, else the latest. */
export function negotiatedVersion(requested: unknown): string {
  return typeof requested === "string" && SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
}

/** `initialize` (version negotiation, client capabilities), `ping` and `logging/setLevel`: per connection. */
export function lifecycleHandlers(def: ServerDefinition, capabilities: ServerCapabilities): MethodTable {
  const serverInfo = { name: def.name, version: def.version };
  return {
    initialize: method(InitializeRequestSchema, async (req, call) => {
      const protocolVersion = negotiatedVersion(req.params.protocolVersion);
      const connection = call.connection;
      connection.protocolVersion = protocolVersion;
      connection.clientCapabilities = req.params.capabilities;
      connection.clientInfo = req.params.clientInfo;
      return { protocolVersion, capabilities, serverInfo, ...(def.instructions ? { instructions: def.instructions } : {}) };
    }),

    ping: method(PingRequestSchema, async () => ({})),

    // Per connection; ctx.clientLog honours it.
    "logging/setLevel": method(SetLevelRequestSchema, async (req, call) => {
      call.connection.logLevel = req.params.level;
      return {};
    }),
  };
}
