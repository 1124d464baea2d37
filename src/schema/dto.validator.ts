import type { ValidationError } from "class-validator";
import { ConfigurationError } from "../errors";
import type { Class } from "../metadata";
import { shapeError, type FieldError, type InputValidator, type ValidationResult } from "./input-validator";

interface ValidationLibraries {
  plainToInstance: typeof import("class-transformer").plainToInstance;
  validate: typeof import("class-validator").validate;
  targetConstructorToSchema: typeof import("class-validator-jsonschema").targetConstructorToSchema;
  validationMetadatasToSchemas: typeof import("class-validator-jsonschema").validationMetadatasToSchemas;
  defaultMetadataStorage: unknown;
}
let loaded: ValidationLibraries | undefined;

/**
 * class-validator and its schema generator cost ~120 ms to load; servers without DTOs (the functional API with
 * property maps) should not pay that at every stdio start, so they load on the first DTO.
 */
function libraries(): ValidationLibraries {
  return (loaded ??= {
    plainToInstance: require("class-transformer").plainToInstance,
    validate: require("class-validator").validate,
    targetConstructorToSchema: require("class-validator-jsonschema").targetConstructorToSchema,
    validationMetadatasToSchemas: require("class-validator-jsonschema").validationMetadatasToSchemas,
    // class-transformer keeps @Type() metadata in a storage it only exposes by deep path (no typings for it).
    defaultMetadataStorage: require("class-transformer/cjs/storage").defaultMetadataStorage,
  });
}

const DEFS = "#/$defs/";
const cache = new WeakMap<Class, InputValidator>();

type Schema = Record<string, any>;

/**
 * class-validator-jsonschema leaves `$ref`s to nested DTOs dangling and allows unknown properties; MCP wants a
 * self-contained JSON Schema 2020-12. Collect referenced definitions into `$defs` and close every object.
 */
function closeObjects(schema: Schema): Schema {
  if (!schema || typeof schema !== "object") return schema;
  const out: Schema = Array.isArray(schema) ? [] : {};
  for (const [k, v] of Object.entries(schema)) out[k] = typeof v === "object" && v !== null ? closeObjects(v) : v;
  if (out.type === "object" && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function collectRefs(schema: unknown, found: Set<string>): void {
  if (!schema || typeof schema !== "object") return;
  for (const [k, v] of Object.entries(schema)) {
    if (k === "$ref" && typeof v === "string" && v.startsWith(DEFS)) found.add(v.slice(DEFS.length));
    else collectRefs(v, found);
  }
}

export function dtoSchema(dto: Class): Schema {
  const { targetConstructorToSchema, validationMetadatasToSchemas, defaultMetadataStorage } = libraries();
  const options = { refPointerPrefix: DEFS, classTransformerMetadataStorage: defaultMetadataStorage as any };
  const root = targetConstructorToSchema(dto, options) as Schema;
  const names = new Set<string>();
  collectRefs(root, names);
  const defs: Schema = {};
  if (names.size) {
    const all = validationMetadatasToSchemas(options) as Schema;
    const queue = [...names];
    while (queue.length) {
      const name = queue.pop()!;
      if (defs[name]) continue;
      if (!all[name]) throw new ConfigurationError(`DTO ${dto.name}: nested type ${name} has no class-validator metadata`);
      defs[name] = all[name];
      const more = new Set<string>();
      collectRefs(all[name], more);
      queue.push(...more);
    }
  }
  const schema: Schema = { type: "object", properties: {}, ...root };
  if (!schema.required) delete schema.required;
  if (names.size) schema.$defs = defs;
  return closeObjects(schema);
}

function flatten(errors: ValidationError[], prefix = ""): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** The schema and the validation both come from the DTO's class-validator decorators, so they never disagree. */
export function dtoValidator(dto: Class): InputValidator {
  const cached = cache.get(dto);
  if (cached) return cached;
  const schema = dtoSchema(dto);
  const known = new Set(Object.keys(schema.properties ?? {}));
  const validator: InputValidator = {
    schema,
    async validate(input: unknown): Promise<ValidationResult> {
      const data = input === undefined ? {} : input;
      if (typeof data !== "object" || data === null || Array.isArray(data))
        return { ok: false, errors: [{ field: "", message: "arguments must be an object" }] };
      const tooBig = shapeError(data);
      if (tooBig) return { ok: false, errors: [tooBig] };
      // class-transformer silently drops keys such as `__proto__` and `constructor`, so class-validator's whitelist
      // never sees them: check the top-level keys against the published schema, which says additionalProperties: false.
      const unknown = Object.keys(data).filter((k) => !known.has(k));
      const { plainToInstance, validate } = libraries();
      const instance = plainToInstance(dto, data);
      const errors = await validate(instance as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
      const fieldErrors = flatten(errors).filter((e) => !unknown.includes(e.field));
      const all = [...unknown.map((field) => ({ field, message: "is not allowed" })), ...fieldErrors];
      if (all.length) return { ok: false, errors: all };
      return { ok: true, value: instance };
    },
  };
  cache.set(dto, validator);
  return validator;
}
