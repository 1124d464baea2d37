import type { ToolContext } from "./tool-context";

/**
 * Suggests values for a prompt argument or a URI-template variable (`completion/complete`): receives what the
 * user typed so far, the context, and the other arguments already filled in.
 */
export type Completer = (value: string, ctx: ToolContext, args: Record<string, string>) => string[] | Promise<string[]>;
