import type { LoggingLevel, RequestId, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { AuthContext } from "../contracts/auth-context";
import type { Logger } from "../contracts/logger";
import type { ToolContext } from "../contracts/tool-context";
import type { Connection, Relay } from "./connection";
import type { DecisionMemo } from "./decision-memo";

/** One incoming request on its way through the pipeline: who sent it, on which connection, and its channel. */
export interface Call {
  readonly id: RequestId;
  readonly connection: Connection;
  readonly principal: AuthContext | undefined;
  readonly relay: Relay;
  readonly signal: AbortSignal;
  /** The authorization decisions of this request, made at most once each (step-up, listing, the call). */
  readonly decisions: DecisionMemo;
  readonly progressToken?: string | number;
}

const LOG_LEVELS: readonly LoggingLevel[] = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

/** Which client capability a server→client request needs (the SDK `Server`'s own rule). */
const CAPABILITY_FOR: Record<string, "sampling" | "elicitation" | "roots"> = {
  "sampling/createMessage": "sampling",
  "elicitation/create": "elicitation",
  "roots/list": "roots",
};

type SendRequest = ToolContext["sendRequest"];

/** The handler-facing {@link ToolContext} of a call: built per call, the only per-request object besides its scope. */
export function contextFor(call: Call, serverName: string, logger: Logger): ToolContext {
  const { connection, relay, principal } = call;
  const sendNotification = async (notification: ServerNotification): Promise<void> => {
    if (relay.open && !connection.closed) await relay.send({ jsonrpc: "2.0", ...notification });
  };
  const sendRequest = (async (request: ServerRequest, schema: { parse(v: unknown): unknown }, options?: { signal?: AbortSignal; timeout?: number }) => {
    const capability = CAPABILITY_FOR[request.method];
    if (capability && !connection.clientCapabilities?.[capability])
      throw new Error(`Client does not support ${capability} (required for ${request.method})`);
    const result = await connection.request(relay, request as { method: string; params?: Record<string, unknown> }, {
      signal: options?.signal ?? call.signal,
      timeout: options?.timeout,
    });
    return schema.parse(result);
  }) as unknown as SendRequest;
  return {
    ...(principal?.context ?? {}),
    auth: principal,
    requestId: call.id,
    sessionId: connection.sessionId,
    signal: call.signal,
    transport: connection.transport,
    log: logger,
    sendNotification,
    sendRequest,
    closeSSEStream: relay.closeStream,
    clientLog: async (level, data) => {
      const threshold = connection.logLevel;
      if (threshold && LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(threshold)) return;
      await sendNotification({ method: "notifications/message", params: { level, data, logger: serverName } });
    },
    progress: async (done, total, message) => {
      if (call.progressToken === undefined) return;
      await sendNotification({ method: "notifications/progress", params: { progressToken: call.progressToken, progress: done, total, message } });
    },
  };
}
