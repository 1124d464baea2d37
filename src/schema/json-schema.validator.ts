import type Ajv2020 from "ajv/dist/2020";
import type { ValidateFunction } from "ajv/dist/2020";
import { ConfigurationError } from "../errors";
import { shapeError, type InputValidator, type ValidationResult } from "./input-validator";

/** The guide's property map: `{ userId: { type: "string", description: "…" , optional?: true } }`. */
export type PropertyMap = Record<string, { type?: string | string[]; description?: string; optional?: boolean; [k: string]: unknown }>;

const OPTIONS = { allErrors: true, strict: false, coerceTypes: false, useDefaults: true } as const;
/** Full JSON Schemas come from users: checked against the 2020-12 meta-schema at start-up. */
let checking: Ajv2020 | undefined;
/**
 * Property maps become schemas we write ourselves, so the meta-schema pass (the first one costs ~50 ms of
 * start-up) buys nothing there; the map's own shape is checked in {@link propertyMapToSchema}.
 */
let trusting: Ajv2020 | undefined;
/** ajv (~50 ms to load) is required with the first schema that needs compiling. */
function newAjv(options: ConstructorParameters<typeof Ajv2020>[0]): Ajv2020 {
  const Ajv = (require("ajv/dist/2020") as { default: typeof Ajv2020 }).default;
  return new Ajv(options);
}

/** Annotation-only property specs: a schema made of checked type lists and these cannot fail to compile. */
const PLAIN_SPEC_KEYS = new Set(["type", "description", "optional"]);

const JSON_TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

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
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.some((t) => typeof t !== "string" || !JSON_TYPES.has(t)))
      throw new ConfigurationError(`input property "${name}": type must be one of ${[...JSON_TYPES].join(", ")} (or a list of them)`);
    properties[name] = schema;
    if (!optional) required.push(name);
  }
  return { type: "object", properties, required, additionalProperties: false };
}

function isPlainMap(map: Record<string, unknown> | undefined): boolean {
  return map === undefined || Object.values(map).every((spec) => Object.keys(spec as object).every((k) => PLAIN_SPEC_KEYS.has(k)));
}

/** Accepts a property map or a full JSON Schema (object-typed) and compiles it once with ajv. */
export function jsonSchemaValidator(input: Record<string, unknown> | undefined, owner: string): InputValidator {
  const own = input === undefined || !isJsonSchema(input);
  const schema = input === undefined ? { type: "object", properties: {}, additionalProperties: false } : own ? propertyMapToSchema(input as PropertyMap) : input;
  if (schema.type !== "object") throw new ConfigurationError(`${owner}: an input schema must have type "object"`);
  // ajv fills defaults in place: only a schema with defaults needs the caller's object copied first.
  const fillsDefaults = JSON.stringify(schema).includes('"default"');
  const compile = (): ValidateFunction => {
    const ajv = own ? (trusting ??= newAjv({ ...OPTIONS, validateSchema: false })) : (checking ??= newAjv(OPTIONS));
    try {
      return ajv.compile(schema);
    } catch (err) {
      throw new ConfigurationError(`${owner}: invalid input JSON Schema: ${(err as Error).message}`);
    }
  };
  // Anything that could fail to compile is compiled now, so a bad schema stops the server at start-up; a
  // guide-style property map (types and descriptions only) cannot, and waits for its tool's first call.
  let check = own && isPlainMap(input) ? undefined : compile();
  return {
    schema,
    async validate(value: unknown): Promise<ValidationResult> {
      const data = value === undefined ? {} : value;
      const tooBig = shapeError(data);
      if (tooBig) return { ok: false, errors: [tooBig] };
      // Validate a copy so ajv's defaults never mutate the caller's object.
      const copy = fillsDefaults ? structuredClone(data) : data;
      check ??= compile();
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
