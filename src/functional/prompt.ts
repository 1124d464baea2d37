import type { Class, PromptArgumentSpec } from "../metadata";
import type { AuthorizationFields } from "../contracts/requirement";
import type { Completer } from "../contracts/completer";
import type { ToolContext } from "../contracts/tool-context";

export const PROMPT_SPEC = Symbol.for("mcpcraft.prompt");

/** What `prompt({ … })` takes: the prompt's name, arguments, `get` handler and who may get it. */
export interface PromptSpec extends AuthorizationFields {
  name: string;
  title?: string;
  description?: string;
  arguments?: PromptArgumentSpec[];
  /** A class-validator DTO validating the arguments (its properties become the prompt's arguments). */
  input?: Class;
  /** Completers for the arguments (`completion/complete`): `{ pr: (typed, ctx, args) => [...] }`. */
  complete?: Record<string, Completer>;
  get: (args: Record<string, string>, context: ToolContext) => unknown | Promise<unknown>;
}

/**
 * Declares a prompt for the functional API (`server.add(prompt({...}))`).
 *
 * @example
 * ```ts
 * server.add(prompt({ name: "review", arguments: [{ name: "pr", required: true }], get: ({ pr }) => `Review ${pr}` }))
 * ```
 */
export function prompt(spec: PromptSpec): PromptSpec & { readonly [PROMPT_SPEC]: true } {
  return Object.freeze({ ...spec, [PROMPT_SPEC]: true as const });
}
