import { ConfigurationError } from "../errors";
import { updateAuthz } from "../metadata";

/**
 * The caller's token needs **all** of these scopes. Over HTTP with a bearer token a missing scope answers
 * 403 `insufficient_scope` (MCP step-up authorization); elsewhere JSON-RPC -32003.
 *
 * @example
 * ```ts
 * @RequireScope("repo:read", "repo:write")
 * async push(input: PushInput) { … }
 * ```
 */
export function RequireScope(...scopes: string[]): ClassDecorator & MethodDecorator {
  if (scopes.length === 0 || scopes.some((s) => typeof s !== "string" || s.length === 0 || /\s/.test(s)))
    throw new ConfigurationError("@RequireScope needs at least one scope name without spaces");
  return ((target: object, key?: string | symbol) => {
    updateAuthz(target, key, (m) => {
      for (const s of scopes) if (!m.scopes.includes(s)) m.scopes.push(s);
    });
  }) as ClassDecorator & MethodDecorator;
}
