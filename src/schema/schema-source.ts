import type { Class } from "../metadata";
import { dtoValidator } from "./dto.validator";
import type { InputValidator } from "./input-validator";
import { jsonSchemaValidator } from "./json-schema.validator";

/**
 * What a tool's `input` or `output` may be — a class-validator DTO class, the guide's property map, or a JSON Schema
 * object — compiled once into its schema and validator.
 */
export function schemaValidator(source: Class | Record<string, unknown> | undefined, owner: string): InputValidator {
  return typeof source === "function" ? dtoValidator(source) : jsonSchemaValidator(source, owner);
}
