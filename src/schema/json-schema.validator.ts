import Ajv2020 from "ajv/dist/2020";
import { ConfigurationError } from "../errors";
import { exceedsDepth, MAX_INPUT_DEPTH, type InputValidator, type ValidationResult } from "./input-validator";

/** The guide's property map: `{ userId: { type: "string", description: "…" , optional?: true } }`. */
export type PropertyMap = Record<string, { type?: string | string[]; description?: string; optional?: boolean; [k: string]: unknown }>;

const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: false, useDefaults: true });

/** A property map's entries are objects, so a string `type` (or `$schema`/`$ref`) marks a full JSON Schema. */
function isJsonSchema(input: Record<string, unknown>): boolean {
  return typeof input.type === "string" || "$schema" in input || "$ref" in input;
}

/** Turns the guide's property map into JSON Schema 2020-12: every property required unless `optional: true`. */
export function propertyMapToSchema(map: PropertyMap): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(map)) {
    if (!spec || typeof spec !== "object") throw new ConfigurationError(`input property "${name}" must be an object like { type: "string" }`);
    const { optional, ...schema } = spec;
    properties[name] = schema;
    if (!optional) required.push(name);
  }
  return { type: "object", properties, required, additionalProperties: false };
}

/** Accepts a property map or a full JSON Schema (object-typed) and compiles it once with ajv. */
export function jsonSchemaValidator(input: Record<string, unknown> | undefined, owner: string): InputValidator {
  const schema = input === undefined ? { type: "object", properties: {}, additionalProperties: false } : isJsonSchema(input) ? input : propertyMapToSchema(input as PropertyMap);
  if (schema.type !== "object") throw new ConfigurationError(`${owner}: an input schema must have type "object"`);
  let check;
  try {
    check = ajv.compile(schema);
  } catch (err) {
    throw new ConfigurationError(`${owner}: invalid input JSON Schema: ${(err as Error).message}`);
  }
  return {
    schema,
    async validate(value: unknown): Promise<ValidationResult> {
      const data = value === undefined ? {} : value;
      if (exceedsDepth(data)) return { ok: false, errors: [{ field: "", message: `input nested deeper than ${MAX_INPUT_DEPTH} levels` }] };
      // Validate a copy so ajv's defaults never mutate the caller's object.
      const copy = structuredClone(data);
      if (check(copy)) return { ok: true, value: copy };
      const errors = (check.errors ?? []).map((e) => {
        const path = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
        if (e.keyword === "required") {
          const missing = (e.params as { missingProperty: string }).missingProperty;
          return { field: path ? `${path}.${missing}` : missing, message: "is required" };
        }
        if (e.keyword === "additionalProperties") {
          const extra = (e.params as { additionalProperty: string }).additionalProperty;
          return { field: path ? `${path}.${extra}` : extra, message: "is not allowed" };
        }
        return { field: path, message: e.message ?? "is invalid" };
      });
      return { ok: false, errors };
    },
  };
}
