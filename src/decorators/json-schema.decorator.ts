import type { DecoratorSchema } from "class-validator-jsonschema/build/decorators";

/**
 * Adds JSON Schema keywords (a `description`, `examples`, a `format`) to a DTO property or class, for the schema
 * shown in `tools/list`. class-validator-jsonschema's own decorator, loaded on first use.
 *
 * @example
 * ```ts
 * class DeleteUserInput {
 *   @IsString() @JSONSchema({ description: "User ID to delete" })
 *   userId!: string
 * }
 * ```
 */
export function JSONSchema(schema: DecoratorSchema): (target: object | Function, key?: string) => void {
  return (require("class-validator-jsonschema") as typeof import("class-validator-jsonschema")).JSONSchema(schema);
}
