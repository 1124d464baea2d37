import type { Implementation } from "@modelcontextprotocol/sdk/types.js";
import { SERVER_INFO_META_KEY } from "../../contracts/protocol-2026";
import type { InputRounds } from "./input-rounds";
import { setOwnField } from "./own-field";

/** Results the revision makes cacheable: each says how long (0: not at all) and for whom (private: this caller). */
const CACHEABLE = new Set(["server/discover", "tools/list", "prompts/list", "resources/list", "resources/templates/list", "resources/read"]);

/**
 * A handler's result as 2026-07-28 sends it: `resultType`, the server's identity in `_meta`, and for lists and
 * reads `ttlMs: 0, cacheScope: "private"`: what a caller may see is decided per principal, so no list is shared.
 * Built key by key rather than spread: V8 gives `{ ...result, more }` a new hidden class on every optimised call,
 * which on this path showed as allocation and old-space GC. `serverMeta` is the server's one frozen `_meta`, used
 * as is when the handler set none.
 */
export function completeResult(method: string, result: object, serverMeta: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const own = result as Record<string, unknown>;
  for (const key in own) if (Object.hasOwn(own, key) && key !== "_meta") setOwnField(out, key, own[key]);
  out.resultType = "complete";
  if (CACHEABLE.has(method)) {
    out.ttlMs = 0;
    out.cacheScope = "private";
  }
  const meta = own._meta as Record<string, unknown> | undefined;
  out._meta = meta ? { ...meta, ...serverMeta } : serverMeta;
  return out;
}

/** Each server's `_meta` object and its JSON text, written once. */
const metaText = new WeakMap<object, string>();

/** The `_meta` every 2026-07-28 result carries: the server's identity. */
export function serverMetaOf(serverInfo: Implementation): Readonly<Record<string, unknown>> {
  const meta = Object.freeze({ [SERVER_INFO_META_KEY]: Object.freeze({ ...serverInfo }) });
  metaText.set(meta, JSON.stringify(meta));
  return meta;
}

/**
 * An answer as JSON text. A 2026-07-28 result that carries the server's own `_meta` (its last key, see
 * completeResult) gets that part as text written once at start-up: serialising the same identity on every
 * answer was the largest share of what this revision's answers cost beyond the 2025 ones.
 */
export function answerText(answer: object): string {
  const result = (answer as { result?: Record<string, unknown> }).result;
  const meta = result?._meta;
  const text = meta !== null && typeof meta === "object" ? metaText.get(meta) : undefined;
  if (text === undefined) return JSON.stringify(answer);
  // JSON.stringify leaves out undefined: the answer without `_meta` ends in the result's `}` and the answer's.
  result!._meta = undefined;
  let rest: string;
  try {
    rest = JSON.stringify(answer);
  } finally {
    result!._meta = meta;
  }
  if (!rest.endsWith("}}")) return JSON.stringify(answer);
  return `${rest.slice(0, -2)}${rest.endsWith("{}}") ? "" : ","}"_meta":${text}}}`;
}

/** The `input_required` result of a call that asked its client something. */
export function inputRequiredResult(rounds: InputRounds, serverMeta: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { resultType: "input_required", inputRequests: rounds.asked, requestState: rounds.state(), _meta: serverMeta };
}
