import { ConfigurationError } from "../errors";
import { addMember, methodKey, type Class, type ResourceDecoratorOptions } from "../metadata";

/**
 * Exposes a method as an MCP resource: a fixed URI (`"config://app"`) or an RFC 6570 template
 * (`"users://{id}/profile"`). The method receives `(uri: string, params: Record<string, string>)`.
 *
 * @example
 * ```ts
 * @Resource("users://{id}/profile", { mimeType: "application/json" })
 * @RequireRole("admin")
 * profile(uri: string, params: { id: string }) { return this.users.get(params.id) }
 * ```
 */
export function Resource(uriOrTemplate: string, options: ResourceDecoratorOptions = {}): MethodDecorator {
  if (typeof uriOrTemplate !== "string" || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uriOrTemplate))
    throw new ConfigurationError(`@Resource needs an absolute URI or URI template, got ${JSON.stringify(uriOrTemplate)}`);
  return (target, key) => {
    addMember(target.constructor as Class, { kind: "resource", method: methodKey(key), uri: uriOrTemplate, options });
  };
}
