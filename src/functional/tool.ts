import type { Class, QuotaSpec } from "../metadata";
import type { AuthorizationFields } from "../contracts/requirement";
import type { ToolContext } from "../contracts/tool-context";
import type { PropertyMap } from "../schema/json-schema.validator";

export const TOOL_SPEC = Symbol.for("mcpcraft.tool");

/** What `tool({ … })` takes: the tool's name, description, input (property map, JSON Schema or DTO), `run` and who may call it. */
export interface ToolSpec<TArgs = any> extends AuthorizationFields {
  name: string;
  title?: string;
  description: string;
  /** The guide's property map, a full JSON Schema (type "object"), or a class-validator DTO class. */
  input?: PropertyMap | Record<string, unknown> | Class;
  /** The `outputSchema`: a property map, a JSON Schema or a DTO class; structured results are checked against it. */
  output?: PropertyMap | Record<string, unknown> | Class;
  annotations?: Record<string, unknown>;
  /** Milliseconds the tool may run before the call answers -32031 and its signal aborts; 0 turns off the server's default. */
  timeout?: number;
  /**
   * At most `points` calls per `duration` seconds per principal (as `@RateLimit`); `false` exempts the tool from
   * the server's `quotas.default`.
   */
  rateLimit?: QuotaSpec | false;
  /** Providers from `createServer({ integrations })` the caller must have connected before `run` starts. */
  integrations?: string[];
  run: (args: TArgs, context: ToolContext) => unknown | Promise<unknown>;
}

/**
 * Declares a tool for the functional API (`server.add(tool({...}))`).
 *
 * @example
 * ```ts
 * server.add(tool({
 *   name: "delete_user",
 *   description: "Delete a user account",
 *   input: { userId: { type: "string", description: "User ID to delete" } },
 *   roles: ["admin"],
 *   run: async ({ userId }, context) => deleteUser(userId),
 * }))
 * ```
 */
export function tool<TArgs = any>(spec: ToolSpec<TArgs>): ToolSpec<TArgs> & { readonly [TOOL_SPEC]: true } {
  return Object.freeze({ ...spec, [TOOL_SPEC]: true as const });
}
