import type { Implementation } from "@modelcontextprotocol/sdk/types.js";
import { SERVER_INFO_META_KEY } from "../../contracts/protocol-2026";
import type { InputRounds } from "./input-rounds";

/** Results the revision makes cacheable: each says how long (0: not at all) and for whom (private: this caller). */
const CACHEABLE = new Set(["server/discover", "tools/list", "prompts/list", "resources/list", "resources/templates/list", "resources/read"]);

/**
 * A handler's result as 2026-07-28 sends it: `resultType`, the server's identity in `_meta`, and for lists and
 * reads `ttlMs: 0, cacheScope: "private"`: what a caller may see is decided per principal, so no list is shared.
 */
export function completeResult(method: string, result: object, serverInfo: Implementation): Record<string, unknown> {
  const r = result as Record<string, unknown>;
  return {
    ...r,
    resultType: "complete",
    ...(CACHEABLE.has(method) ? { ttlMs: 0, cacheScope: "private" } : {}),
    _meta: { ...(r._meta as Record<string, unknown> | undefined), [SERVER_INFO_META_KEY]: serverInfo },
  };
}

/** The `input_required` result of a call that asked its client something. */
export function inputRequiredResult(rounds: InputRounds, serverInfo: Implementation): Record<string, unknown> {
  return { resultType: "input_required", inputRequests: rounds.asked, requestState: rounds.state(), _meta: { [SERVER_INFO_META_KEY]: serverInfo } };
}
