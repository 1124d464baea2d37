import { ConfigurationError } from "../errors";
import { updateAuthz } from "../metadata";

/**
 * The caller needs **any one** of these roles. Stacked `@RequireRole` decorators must **all** hold; on the
 * class, it applies to every tool, resource and prompt.
 *
 * @example
 * ```ts
 * @RequireRole("admin", "owner")   // admin OR owner
 * @RequireRole("verified")         // AND verified
 * async deleteUser(input: DeleteUserInput) { … }
 * ```
 */
export function RequireRole(...roles: string[]): ClassDecorator & MethodDecorator {
  if (roles.length === 0 || roles.some((r) => typeof r !== "string" || r.length === 0))
    throw new ConfigurationError("@RequireRole needs at least one non-empty role name");
  return ((target: object, key?: string | symbol) => {
    updateAuthz(target, key, (m) => m.roleGroups.push([...roles]));
  }) as ClassDecorator & MethodDecorator;
}
