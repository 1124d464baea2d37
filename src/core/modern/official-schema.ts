import type { RequestSchema } from "../method-table";

type Core = typeof import("@modelcontextprotocol/core");
let core: Core | undefined;

/**
 * A 2026-07-28 request schema of the official v2 SDK (`@modelcontextprotocol/core`), loaded with the first
 * request that needs it rather than at start-up: a 2025-only deployment never pays for it.
 */
export function officialSchema<T>(name: "DiscoverRequestSchema" | "SubscriptionsListenRequestSchema"): RequestSchema<T> {
  return {
    safeParse: (value) => (core ??= require("@modelcontextprotocol/core") as Core)[name].safeParse(value) as ReturnType<RequestSchema<T>["safeParse"]>,
  };
}
