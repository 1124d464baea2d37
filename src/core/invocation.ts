import type { DependencyContainer } from "tsyringe";
import { AUTH_CONTEXT, REQUEST_CONTEXT } from "../contracts/tokens";
import type { ToolContext } from "../contracts/tool-context";
import { JsonRpcCode, McpcraftError, ProtocolError } from "../errors";
import type { Invoker } from "./definition";
import { InputRequired } from "./modern/input-rounds";

/**
 * Runs handlers. A handler that asks for its container (a decorated class's method) gets a fresh child container
 * holding this request's context, disposed afterwards; a functional `run` needs none, so none is built.
 */
export class Invocation {
  constructor(private readonly root: DependencyContainer) {}

  async run(invoke: Invoker, args: unknown[], ctx: ToolContext): Promise<unknown> {
    let child: DependencyContainer | undefined;
    const scope = (): DependencyContainer => {
      if (!child) {
        child = this.root.createChildContainer();
        child.register(REQUEST_CONTEXT, { useValue: ctx });
        child.register(AUTH_CONTEXT, { useValue: ctx.auth });
      }
      return child;
    };
    try {
      return await invoke(args, ctx, scope);
    } finally {
      if (child) await child.dispose();
    }
  }

  /**
   * Resources, prompts and completions have no `isError` result: a failure is a JSON-RPC error carrying the
   * handler's message (never its stack); framework errors keep their own row of the error table.
   */
  async runOrFail(invoke: Invoker, args: unknown[], ctx: ToolContext): Promise<unknown> {
    try {
      return await this.run(invoke, args, ctx);
    } catch (err) {
      if (err instanceof McpcraftError || err instanceof InputRequired) throw err;
      throw new ProtocolError(JsonRpcCode.InternalError, err instanceof Error ? err.message : "Handler failed");
    }
  }
}
