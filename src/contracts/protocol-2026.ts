/**
 * MCP revision 2026-07-28 (the "modern" era): no `initialize`, no sessions; every request carries its own `_meta`
 * envelope under these keys (the names the official v2 SDK exports as `*_META_KEY`).
 */
export const MODERN_PROTOCOL_VERSION = "2026-07-28";
export const MODERN_PROTOCOL_VERSIONS: readonly string[] = [MODERN_PROTOCOL_VERSION];

export const PROTOCOL_VERSION_META_KEY = "io.modelcontextprotocol/protocolVersion";
export const CLIENT_INFO_META_KEY = "io.modelcontextprotocol/clientInfo";
export const CLIENT_CAPABILITIES_META_KEY = "io.modelcontextprotocol/clientCapabilities";
export const LOG_LEVEL_META_KEY = "io.modelcontextprotocol/logLevel";
export const SERVER_INFO_META_KEY = "io.modelcontextprotocol/serverInfo";
export const SUBSCRIPTION_ID_META_KEY = "io.modelcontextprotocol/subscriptionId";
