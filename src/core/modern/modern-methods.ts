import type { ServerCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { MODERN_PROTOCOL_VERSIONS } from "../../contracts/protocol-2026";
import type { ServerDefinition } from "../definition";
import type { MethodEntry } from "../method-table";
import { officialSchema } from "./official-schema";
import { besideEnvelope } from "./envelope";

/** Methods 2026-07-28 no longer has: no handshake, no liveness ping, log levels and subscriptions per request. */
const LEGACY_ONLY = new Set(["initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"]);

/** The official v2 schema of `server/discover`. */
const discoverSchema = officialSchema<unknown>("DiscoverRequestSchema");

/** What a server offers on 2026-07-28: the same as on 2025, its change notifications on `subscriptions/listen`. */
export function modernCapabilities(legacy: ServerCapabilities): ServerCapabilities {
  const { tools, logging, resources, prompts, completions } = legacy;
  return { tools, ...(logging ? { logging } : {}), ...(resources ? { resources } : {}), ...(prompts ? { prompts } : {}), ...(completions ? { completions } : {}) };
}

/** The 2026-era method table: the same handlers as 2025's, less what the revision removed, plus `server/discover`. */
export function modernMethods(shared: ReadonlyMap<string, MethodEntry>, def: ServerDefinition, capabilities: ServerCapabilities, listen: MethodEntry): Map<string, MethodEntry> {
  const table = new Map<string, MethodEntry>();
  for (const [name, entry] of shared) if (!LEGACY_ONLY.has(name)) table.set(name, { schema: besideEnvelope(entry.schema), handle: entry.handle });
  table.set("subscriptions/listen", listen);
  table.set("server/discover", {
    schema: discoverSchema,
    handle: async () => ({ supportedVersions: [...MODERN_PROTOCOL_VERSIONS], capabilities, ...(def.instructions ? { instructions: def.instructions } : {}) }),
  });
  return table;
}
