import { ConfigurationError } from "../errors";
import { setCtxParam } from "../metadata";

/**
 * Injects the {@link ToolContext} (caller, request id, signal, progress, logger) into a handler parameter.
 *
 * @example
 * ```ts
 * @Tool({ description: "Who am I" })
 * whoami(@Ctx() ctx: ToolContext) { return ctx.auth?.subject }
 * ```
 */
export function Ctx(): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new ConfigurationError("@Ctx() is for method parameters, not constructor parameters");
    setCtxParam(target, key, index);
  };
}
