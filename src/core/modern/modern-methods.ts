import type { ServerCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { MODERN_PROTOCOL_VERSIONS } from "../../contracts/protocol-2026";
import type { ServerDefinition } from "../definition";
import type { MethodEntry, RequestSchema } from "../method-table";

/** Methods 2026-07-28 no longer has: no handshake, no liveness ping, log levels and subscriptions per request. */
const LEGACY_ONLY = new Set(["initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"]);

let core: typeof import("@modelcontextprotocol/core") | undefined;
/** The official v2 schema of `server/discover`, loaded with the first 2026-era request (not at start-up). */
const discoverSchema: RequestSchema<unknown> = {
  safeParse: (value) => (core ??= require("@modelcontextprotocol/core") as typeof import("@modelcontextprotocol/core")).DiscoverRequestSchema.safeParse(value) as ReturnType<RequestSchema<unknown>["safeParse"]>,
};

/**
 * What a server offers on 2026-07-28. Change notifications there travel on `subscriptions/listen`, which this
 * framework does not serve yet, so no `listChanged` or `subscribe` is promised.
 */
export function modernCapabilities(legacy: ServerCapabilities): ServerCapabilities {
  return {
    tools: {},
    ...(legacy.logging ? { logging: {} } : {}),
    ...(legacy.resources ? { resources: {} } : {}),
    ...(legacy.prompts ? { prompts: {} } : {}),
    ...(legacy.completions ? { completions: {} } : {}),
  };
}

/** The 2026-era method table: the same handlers as 2025's, less what the revision removed, plus `server/discover`. */
export function modernMethods(shared: ReadonlyMap<string, MethodEntry>, def: ServerDefinition, legacy: ServerCapabilities): Map<string, MethodEntry> {
  const table = new Map([...shared].filter(([name]) => !LEGACY_ONLY.has(name)));
  const capabilities = modernCapabilities(legacy);
  table.set("server/discover", {
    schema: discoverSchema,
    handle: async () => ({ supportedVersions: [...MODERN_PROTOCOL_VERSIONS], capabilities, ...(def.instructions ? { instructions: def.instructions } : {}) }),
  });
  return table;
}
