import { ConfigurationError } from "../errors";
import { addIntegrations } from "../metadata";

/**
 * The tool needs the caller's account at these providers (from `createServer({ integrations })`). Before it
 * runs, a caller who has not connected one is asked to, with MCP's URL elicitation; inside it,
 * `ctx.integration(name).token()` is the caller's token there. On a class, it applies to every tool.
 *
 * @example
 * ```ts
 * @Tool({ description: "List the authenticated user's repositories" })
 * @UsesIntegration("github")
 * async listRepos(@Ctx() ctx: ToolContext) { return fetchGithubRepos(await ctx.integration("github").token()) }
 * ```
 */
export function UsesIntegration(...providers: string[]): ClassDecorator & MethodDecorator {
  if (!providers.length || !providers.every((p) => typeof p === "string" && p !== "")) throw new ConfigurationError("@UsesIntegration needs one or more provider names");
  return ((target: object, key?: string | symbol) => addIntegrations(target, key, providers)) as ClassDecorator & MethodDecorator;
}
