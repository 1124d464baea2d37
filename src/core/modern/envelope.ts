import type { ClientCapabilities, Implementation, JSONRPCRequest, LoggingLevel } from "@modelcontextprotocol/sdk/types.js";
import { JsonRpcCode } from "../../contracts/json-rpc-code";
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  MODERN_PROTOCOL_VERSIONS,
  PROTOCOL_VERSION_META_KEY,
} from "../../contracts/protocol-2026";
import { ProtocolError } from "../../errors";

/** What a 2026-07-28 request says about its client, in place of a session's `initialize`. */
export interface ModernEnvelope {
  readonly protocolVersion: string;
  readonly clientCapabilities: ClientCapabilities;
  readonly clientInfo?: Implementation;
  /** Absent: the request wants no log notifications at all. */
  readonly logLevel?: LoggingLevel;
}

const LEVELS = new Set(["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]);

const metaOf = (message: { params?: unknown }): Record<string, unknown> | undefined => {
  const meta = (message.params as { _meta?: unknown } | undefined)?._meta;
  return meta !== null && typeof meta === "object" && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined;
};

/** The protocol version a message's envelope claims, if it carries one: the mark of a 2026-era request. */
export function envelopeClaim(message: { params?: unknown }): unknown {
  return metaOf(message)?.[PROTOCOL_VERSION_META_KEY];
}

/**
 * The envelope of a request that claims one, checked as the revision asks: a version this server does not speak
 * is -32022 (with the versions it does), a malformed envelope -32602. Never trusted beyond its own fields.
 */
export function readEnvelope(message: JSONRPCRequest): ModernEnvelope {
  const meta = metaOf(message);
  const version = meta?.[PROTOCOL_VERSION_META_KEY];
  if (typeof version !== "string") throw new ProtocolError(JsonRpcCode.InvalidParams, `Invalid params: _meta["${PROTOCOL_VERSION_META_KEY}"] is required`);
  // The versions server/discover offers; a 2025-era client opens with initialize, not with an envelope.
  if (!MODERN_PROTOCOL_VERSIONS.includes(version))
    throw new ProtocolError(JsonRpcCode.UnsupportedProtocolVersion, "Unsupported protocol version", { supported: [...MODERN_PROTOCOL_VERSIONS], requested: version.slice(0, 64) });
  const caps = meta![CLIENT_CAPABILITIES_META_KEY];
  if (caps === null || typeof caps !== "object" || Array.isArray(caps))
    throw new ProtocolError(JsonRpcCode.InvalidParams, `Invalid params: _meta["${CLIENT_CAPABILITIES_META_KEY}"] must be an object`);
  const info = meta![CLIENT_INFO_META_KEY];
  const level = meta![LOG_LEVEL_META_KEY];
  if (level !== undefined && !(typeof level === "string" && LEVELS.has(level)))
    throw new ProtocolError(JsonRpcCode.InvalidParams, `Invalid params: _meta["${LOG_LEVEL_META_KEY}"] is not a log level`);
  // One shape for every envelope (absent fields undefined): conditional spreads cost a hidden class per request.
  return {
    protocolVersion: version,
    clientCapabilities: caps as ClientCapabilities,
    clientInfo: info !== null && typeof info === "object" ? (info as Implementation) : undefined,
    logLevel: level as LoggingLevel | undefined,
  };
}
