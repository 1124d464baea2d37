import { ConfigurationError } from "../errors";
import type { Policy } from "../contracts/tool-context";
import { updateAuthz } from "../metadata";

/**
 * An async predicate over the context and the validated input; `false` (or a throw, or a timeout) denies.
 * For ownership checks. Runs at call time only, so it never hides a tool from `tools/list`.
 *
 * @example
 * ```ts
 * @Authorize((ctx, input: { ownerId: string }) => ctx.auth?.subject === input.ownerId)
 * async editDocument(input: EditInput) { … }
 * ```
 */
export function Authorize<TInput = any>(policy: Policy<TInput>): ClassDecorator & MethodDecorator {
  if (typeof policy !== "function") throw new ConfigurationError("@Authorize needs a policy function");
  return ((target: object, key?: string | symbol) => {
    updateAuthz(target, key, (m) => m.policies.push(policy as Policy));
  }) as ClassDecorator & MethodDecorator;
}
