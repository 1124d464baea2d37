import { injectable } from "tsyringe";
import { ConfigurationError } from "../errors";
import { setServerMetadata, type Class, type ServerDecoratorOptions } from "../metadata";

/**
 * Marks a class as an MCP server and makes it injectable (resolved per request in a child container).
 *
 * @example
 * ```ts
 * @Server({ name: "admin-server", version: "1.0.0", auth: ApiKeyStrategy })
 * class AdminServer { constructor(private readonly users: UserService) {} }
 * ```
 */
export function Server(options: ServerDecoratorOptions): ClassDecorator {
  if (!options || typeof options.name !== "string" || options.name.length === 0)
    throw new ConfigurationError("@Server({ name }) needs a non-empty name");
  return (target) => {
    setServerMetadata(target as unknown as Class, options);
    injectable()(target as unknown as Class);
  };
}
