import { ConfigurationError } from "../errors";
import { mergeRequirements } from "../auth/policy";
import type { Requirement } from "../contracts/requirement";
import {
  getClassAuthz,
  getConstructorParamTypes,
  getCtxParam,
  getIntegrations,
  getMembers,
  getMethodAuthz,
  getMethodParamTypes,
  getRateLimit,
  type Class,
  type MemberMetadata,
  type ToolDecoratorOptions,
} from "../metadata";
import { withIntegrations } from "./integration-preflight";
import { dtoValidator } from "../schema/dto.validator";
import { jsonSchemaValidator } from "../schema/json-schema.validator";
import type { InputValidator } from "../schema/input-validator";
import { schemaValidator } from "../schema/schema-source";
import { completers, snakeCase, templateVariables, toolTimeout, uriTemplateMatcher, type Invoker, type PromptDefinition, type ResourceDefinition, type ToolDefinition } from "./definition";
import { assertCoherent } from "./requirement";

const NOT_A_DTO = new Set<unknown>([Object, Function, String, Number, Boolean, Array, Symbol, BigInt, Promise, undefined]);

interface ParamPlan {
  ctxIndex?: number;
  /** Positions that receive the handler's own arguments, in order. */
  argIndexes: number[];
  paramTypes: unknown[];
}

function planParams(cls: Class, method: string, owner: string, maxArgs: number): ParamPlan {
  const fn = cls.prototype[method];
  if (typeof fn !== "function") throw new ConfigurationError(`${owner} is not a method`);
  const ctxIndex = getCtxParam(cls, method);
  const declared = getMethodParamTypes(cls, method);
  const count = Math.max(declared?.length ?? 0, fn.length, ctxIndex === undefined ? 0 : ctxIndex + 1);
  const argIndexes: number[] = [];
  for (let i = 0; i < count; i++) if (i !== ctxIndex) argIndexes.push(i);
  if (argIndexes.length > maxArgs)
    throw new ConfigurationError(`${owner} takes ${argIndexes.length} parameters besides @Ctx(); at most ${maxArgs} are supported`);
  return { ctxIndex, argIndexes, paramTypes: declared ?? [] };
}

function dtoFor(cls: Class, method: string, plan: ParamPlan, explicit: Class | undefined, owner: string): Class | undefined {
  if (explicit) return explicit;
  if (plan.argIndexes.length === 0) return undefined;
  const index = plan.argIndexes[0];
  if (getMethodParamTypes(cls, method) === undefined)
    throw new ConfigurationError(
      `${owner}: no decorator metadata for its parameters. Compile with "emitDecoratorMetadata": true and ` +
        `"experimentalDecorators": true using tsc or ts-node (tsx and esbuild do not emit it), or pass { input: SomeDto }.`,
    );
  const type = plan.paramTypes[index];
  if (NOT_A_DTO.has(type))
    throw new ConfigurationError(
      `${owner}: parameter #${index} has no class type (got ${(type as Function | undefined)?.name ?? "undefined"}). ` +
        `Tool inputs must be classes with class-validator decorators — not interfaces, type aliases or primitives — ` +
        `and must not be imported with "import type". Or pass { input: SomeDto }.`,
    );
  return type as Class;
}

function invoker(cls: Class, method: string, plan: ParamPlan): Invoker {
  return async (args, ctx, scope) => {
    const instance = scope().resolve(cls) as Record<string, (...a: unknown[]) => unknown>;
    const callArgs: unknown[] = [];
    plan.argIndexes.forEach((pos, i) => {
      callArgs[pos] = args[i];
    });
    if (plan.ctxIndex !== undefined) callArgs[plan.ctxIndex] = ctx;
    return instance[method](...callArgs);
  };
}

/** The class and its ancestors, base first (`getMembers` exposes inherited members, so their rules must come too). */
function classChain(cls: Class): Class[] {
  const chain: Class[] = [];
  for (let c: any = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c);
  return chain;
}

/**
 * Everything the authorization decorators recorded for one member, across the inheritance chain: class-level
 * rules of every ancestor, and the method's rules at every level that declares them, so that a subclass (or an
 * override) can add requirements but never silently drop one of its base's (fail closed).
 */
function inheritedAuthz(cls: Class, method: string): Requirement[] {
  const chain = classChain(cls);
  // An inherited method's metadata is found again at each lower level as the same object: keep it once.
  const methodLevels = new Set(chain.map((c) => getMethodAuthz(c, method)));
  return [...chain.map((c) => getClassAuthz(c)), ...methodLevels];
}

/** `@Tool({ input })` takes a DTO class or a JSON Schema object; without it the first parameter's DTO type. */
function toolInput(cls: Class, method: string, plan: ParamPlan, given: ToolDecoratorOptions["input"], owner: string): InputValidator {
  if (given !== undefined && typeof given === "object") return jsonSchemaValidator(given, `@Tool ${owner}`);
  const dto = dtoFor(cls, method, plan, given, `@Tool ${owner}`);
  return dto ? dtoValidator(dto) : jsonSchemaValidator(undefined, owner);
}

function compileMember(cls: Class, member: MemberMetadata) {
  const requirement = mergeRequirements(...inheritedAuthz(cls, member.method));
  const owner = `${cls.name}.${member.method}`;
  assertCoherent(requirement, owner);
  if (member.kind === "tool") {
    const opts = member.options;
    const plan = planParams(cls, member.method, `@Tool ${owner}`, 1);
    const input = toolInput(cls, member.method, plan, opts.input, owner);
    const tool: ToolDefinition = {
      name: opts.name ?? snakeCase(member.method),
      title: opts.title,
      description: opts.description ?? "",
      annotations: opts.annotations,
      input,
      output: opts.output === undefined ? undefined : schemaValidator(opts.output, `@Tool ${owner} output`),
      requirement,
      timeoutMs: toolTimeout(opts.timeout, `@Tool ${owner}`),
      rateLimit: getRateLimit(cls, member.method),
      integrations: getIntegrations(cls, member.method),
      invoke: withIntegrations(invoker(cls, member.method, plan), getIntegrations(cls, member.method)),
    };
    return tool;
  }
  if (member.kind === "resource") {
    const plan = planParams(cls, member.method, `@Resource ${owner}`, 2);
    const template = /\{[A-Za-z0-9_]+\}/.test(member.uri);
    const match = template ? uriTemplateMatcher(member.uri) : (uri: string) => (uri === member.uri ? {} : undefined);
    const resource: ResourceDefinition = {
      uri: member.uri,
      template,
      match,
      name: member.options.name ?? snakeCase(member.method),
      title: member.options.title,
      description: member.options.description,
      mimeType: member.options.mimeType,
      requirement,
      complete: completers(member.options.complete, templateVariables(member.uri), `@Resource ${owner}`),
      invoke: invoker(cls, member.method, plan),
    };
    return resource;
  }
  const opts = member.options;
  const plan = planParams(cls, member.method, `@Prompt ${owner}`, 1);
  const explicitArgs = opts.arguments;
  const dto = explicitArgs && !opts.input ? undefined : opts.input ?? (plan.argIndexes.length && !NOT_A_DTO.has(plan.paramTypes[plan.argIndexes[0]]) ? (plan.paramTypes[plan.argIndexes[0]] as Class) : undefined);
  const input = dto ? dtoValidator(dto) : undefined;
  const args = explicitArgs ?? (input ? promptArgumentsFromSchema(input.schema) : []);
  const prompt: PromptDefinition = {
    name: opts.name ?? snakeCase(member.method),
    title: opts.title,
    description: opts.description,
    arguments: args,
    input,
    requirement,
    complete: completers(opts.complete, args.map((a) => a.name), `@Prompt ${owner}`),
    invoke: invoker(cls, member.method, plan),
  };
  return prompt;
}

export function promptArgumentsFromSchema(schema: Record<string, any>): PromptDefinition["arguments"] {
  const required: string[] = schema.required ?? [];
  return Object.entries<Record<string, any>>(schema.properties ?? {}).map(([name, p]) => ({
    name,
    description: p.description,
    required: required.includes(name),
  }));
}

/**
 * The server class is resolved per request, so a constructor dependency tsyringe cannot build would fail every
 * call with tsyringe's message. Refuse it at start-up instead, naming the parameter and the fix (STYLE rule 13).
 */
function checkConstructor(cls: Class): void {
  const types = getConstructorParamTypes(cls);
  if (cls.length > 0 && types === undefined)
    throw new ConfigurationError(
      `${cls.name}: its constructor takes parameters but no decorator metadata was emitted. Compile with ` +
        `"emitDecoratorMetadata": true and "experimentalDecorators": true using tsc or ts-node (tsx and esbuild do not emit it).`,
    );
  (types ?? []).forEach((type, index) => {
    if (NOT_A_DTO.has(type))
      throw new ConfigurationError(
        `${cls.name}: constructor parameter #${index} has no runtime type (got ${(type as Function | undefined)?.name ?? "undefined"}). ` +
          `Inject a class (not an interface, type alias or primitive, and not imported with "import type"), or use @inject(TOKEN).`,
      );
  });
}

/** Reads a decorated class's metadata once and returns its compiled members. */
export function compileClass(cls: Class): { tools: ToolDefinition[]; resources: ResourceDefinition[]; prompts: PromptDefinition[] } {
  checkConstructor(cls);
  const out = { tools: [] as ToolDefinition[], resources: [] as ResourceDefinition[], prompts: [] as PromptDefinition[] };
  for (const member of getMembers(cls)) {
    const compiled = compileMember(cls, member);
    if (member.kind === "tool") out.tools.push(compiled as ToolDefinition);
    else if (member.kind === "resource") out.resources.push(compiled as ResourceDefinition);
    else out.prompts.push(compiled as PromptDefinition);
  }
  return out;
}
