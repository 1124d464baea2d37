import { ConfigurationError } from "../errors";
import { addMember, methodKey, type Class, type ToolDecoratorOptions } from "../metadata";

/**
 * Exposes a method as an MCP tool. The name defaults to the method name in snake_case; the input schema comes
 * from the class-validator DTO that is the first parameter not marked `@Ctx()`.
 *
 * @example
 * ```ts
 * @Tool({ description: "Delete a user account" })
 * async deleteUser(input: DeleteUserInput, @Ctx() ctx: ToolContext) { … }   // tool "delete_user"
 * ```
 */
export function Tool(options: ToolDecoratorOptions = { description: "" }): MethodDecorator {
  return (target, key, descriptor) => {
    if (typeof target === "function") throw new ConfigurationError(`@Tool cannot decorate static method ${String(key)}`);
    // A property (arrow function or value) gets no descriptor: refuse it when the class is defined, not at start-up.
    if (typeof descriptor?.value !== "function")
      throw new ConfigurationError(
        `@Tool on ${target.constructor.name}.${String(key)}: not a method. @Tool decorates methods: write ` +
          `${String(key)}(input, @Ctx() ctx) { … } instead of a property or arrow function, or move the decorator`,
      );
    addMember(target.constructor as Class, { kind: "tool", method: methodKey(key), options });
  };
}
