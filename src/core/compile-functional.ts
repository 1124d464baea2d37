import { ConfigurationError } from "../errors";
import { checkQuota, type Class } from "../metadata";
import { dtoValidator } from "../schema/dto.validator";
import { jsonSchemaValidator } from "../schema/json-schema.validator";
import { schemaValidator } from "../schema/schema-source";
import type { PromptSpec } from "../functional/prompt";
import type { ResourceSpec } from "../functional/resource";
import type { ToolSpec } from "../functional/tool";
import { promptArgumentsFromSchema } from "./compile-class";
import { completers, snakeCase, templateVariables, toolTimeout, uriTemplateMatcher, type PromptDefinition, type ResourceDefinition, type ToolDefinition } from "./definition";
import { withIntegrations } from "./integration-preflight";
import { assertCoherent, requirementFrom } from "./requirement";

const isClass = (v: unknown): v is Class => typeof v === "function";

export function compileToolSpec(spec: ToolSpec): ToolDefinition {
  if (!spec || typeof spec.name !== "string" || !/^[A-Za-z0-9_.-]{1,128}$/.test(spec.name))
    throw new ConfigurationError(`tool(): name must be 1–128 characters of A-Z a-z 0-9 _ . - (got ${JSON.stringify(spec?.name)})`);
  if (typeof spec.run !== "function") throw new ConfigurationError(`tool "${spec.name}": run must be a function`);
  const owner = `tool "${spec.name}"`;
  const requirement = requirementFrom(spec, owner);
  assertCoherent(requirement, owner);
  const input = schemaValidator(spec.input as Class | Record<string, unknown> | undefined, owner);
  const output = spec.output === undefined ? undefined : schemaValidator(spec.output as Class | Record<string, unknown>, `${owner} output`);
  const run = spec.run;
  const integrations = spec.integrations;
  if (integrations !== undefined && !(Array.isArray(integrations) && integrations.every((i) => typeof i === "string" && i !== "")))
    throw new ConfigurationError(`${owner}: integrations must be a list of provider names`);
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description ?? "",
    annotations: spec.annotations,
    input,
    output,
    requirement,
    timeoutMs: toolTimeout(spec.timeout, owner),
    rateLimit: spec.rateLimit === undefined ? undefined : checkQuota(spec.rateLimit, owner),
    integrations,
    invoke: withIntegrations(async ([args], ctx) => run(args, ctx), integrations),
  };
}

export function compileResourceSpec(spec: ResourceSpec): ResourceDefinition {
  if (!spec || typeof spec.uri !== "string" || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(spec.uri))
    throw new ConfigurationError(`resource(): uri must be an absolute URI or template (got ${JSON.stringify(spec?.uri)})`);
  if (typeof spec.read !== "function") throw new ConfigurationError(`resource "${spec.uri}": read must be a function`);
  const owner = `resource "${spec.uri}"`;
  const requirement = requirementFrom(spec, owner);
  assertCoherent(requirement, owner);
  const template = /\{[A-Za-z0-9_]+\}/.test(spec.uri);
  const read = spec.read;
  return {
    uri: spec.uri,
    template,
    match: template ? uriTemplateMatcher(spec.uri) : (uri) => (uri === spec.uri ? {} : undefined),
    name: spec.name ?? snakeCase(spec.uri.replace(/^[^:]+:\/*/, "").replace(/[^A-Za-z0-9]+/g, "_")),
    title: spec.title,
    description: spec.description,
    mimeType: spec.mimeType,
    requirement,
    complete: completers(spec.complete, templateVariables(spec.uri), owner),
    invoke: async ([uri, params], ctx) => read(uri as string, params as Record<string, string>, ctx),
  };
}

export function compilePromptSpec(spec: PromptSpec): PromptDefinition {
  if (!spec || typeof spec.name !== "string" || !spec.name) throw new ConfigurationError("prompt(): name is required");
  if (typeof spec.get !== "function") throw new ConfigurationError(`prompt "${spec.name}": get must be a function`);
  const owner = `prompt "${spec.name}"`;
  const requirement = requirementFrom(spec, owner);
  assertCoherent(requirement, owner);
  const input = spec.input ? dtoValidator(spec.input) : undefined;
  const get = spec.get;
  const args = spec.arguments ?? (input ? promptArgumentsFromSchema(input.schema) : []);
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    arguments: args,
    input,
    requirement,
    complete: completers(spec.complete, args.map((a) => a.name), owner),
    invoke: async ([args], ctx) => get(args as Record<string, string>, ctx),
  };
}
