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
import type { RequestSchema } from "../method-table";
import { setOwnField } from "./own-field";

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

/** The keys of the envelope, which {@link readEnvelope} checks and nothing after it reads out of `_meta`. */
const ENVELOPE_KEYS: ReadonlySet<string> = new Set([PROTOCOL_VERSION_META_KEY, CLIENT_INFO_META_KEY, CLIENT_CAPABILITIES_META_KEY, LOG_LEVEL_META_KEY]);
const NO_META: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * A 2025-era (SDK 1.x) request schema as the 2026 era uses it: the request's `_meta` is parsed without the
 * envelope's keys. The 1.x schema knows nothing of them and copies each unknown `_meta` key one by one (zod's
 * catchall) into a parsed request no handler reads it from; that copy was the SDK's share of what a 2026 call
 * costs beyond a 2025 one. The other `_meta` keys (`progressToken` …) are parsed as before, and the message is
 * left as it came (the swap is undone before the parse returns; a message that cannot take it is parsed whole).
 */
export function besideEnvelope<T>(schema: RequestSchema<T>): RequestSchema<T> {
  return {
    safeParse(message) {
      const params = (message as { params?: { _meta?: unknown } } | null)?.params;
      const meta = params?._meta;
      if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return schema.safeParse(message);
      let rest: Record<string, unknown> | undefined;
      for (const key in meta) {
        if (Object.hasOwn(meta, key) && !ENVELOPE_KEYS.has(key)) setOwnField((rest ??= {}), key, (meta as Record<string, unknown>)[key]);
      }
      try {
        params!._meta = rest ?? NO_META;
      } catch {
        return schema.safeParse(message);
      }
      try {
        return schema.safeParse(message);
      } finally {
        params!._meta = meta;
      }
    },
  };
}
