import "reflect-metadata";
import { ConfigurationError } from "./errors";
import type { Requirement } from "./contracts/requirement";

/**
 * The one door to reflect-metadata. Decorators write through these functions and the definition compiler
 * reads through them; nothing else calls `Reflect.getMetadata`.
 */

if (typeof Reflect !== "object" || typeof (Reflect as any).getMetadata !== "function") {
  throw new Error('mcpcraft-sdk needs a Reflect polyfill: add `import "reflect-metadata"` at the top of your entry file');
}

const KEYS = {
  server: Symbol.for("mcpcraft:server"),
  members: Symbol.for("mcpcraft:members"),
  authz: Symbol.for("mcpcraft:authz"),
  ctxParam: Symbol.for("mcpcraft:ctx-param"),
  rateLimit: Symbol.for("mcpcraft:rate-limit"),
} as const;

export type Class<T = any> = new (...args: any[]) => T;

/** What `@Server({ … })` takes. */
export interface ServerDecoratorOptions {
  name: string;
  version?: string;
  instructions?: string;
  /** A strategy class or DI token, an instance, `{ strategy, anonymous }`, or an array (first whose credential is present wins). */
  auth?: unknown;
  authorization?: { hideUnauthorized?: boolean; policyTimeoutMs?: number };
}

/** What `@Tool({ … })` takes; every field is optional but `description`. */
export interface ToolDecoratorOptions {
  name?: string;
  title?: string;
  description: string;
  /**
   * The input: a DTO class, or a JSON Schema object (type "object", passed to `tools/list` as is and validated with
   * it). Defaults to the DTO type of the first parameter that is not `@Ctx()`.
   */
  input?: Class | Record<string, unknown>;
  /**
   * The tool's `outputSchema`: a DTO class or a JSON Schema object. The tool's structured result (an object it
   * returns, or `structuredContent`) is validated against it before it leaves.
   */
  output?: Class | Record<string, unknown>;
  annotations?: Record<string, unknown>;
  /** Milliseconds the tool may run before the call answers -32031 and its signal aborts; 0 turns off the server's default. */
  timeout?: number;
}

/** Completer functions keyed by prompt argument or URI-template variable (see `completion/complete`). */
export type CompleterMap = Record<string, (value: string, ctx: any, args: Record<string, string>) => string[] | Promise<string[]>>;

/** What `@Resource(uri, { … })` takes besides the URI. */
export interface ResourceDecoratorOptions {
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
  /** Completers for the template's variables: `{ id: (typed) => matchingIds(typed) }`. */
  complete?: CompleterMap;
}

/** One argument of a prompt, as `prompts/list` announces it. */
export interface PromptArgumentSpec {
  name: string;
  description?: string;
  required?: boolean;
}

/** What `@Prompt({ … })` takes. */
export interface PromptDecoratorOptions {
  name?: string;
  title?: string;
  description?: string;
  /** The prompt's arguments; or give a DTO class as `input` (or as the first parameter's type). */
  arguments?: PromptArgumentSpec[];
  input?: Class;
  /** Completers for the prompt's arguments: `{ pr: (typed) => openPullRequests(typed) }`. */
  complete?: CompleterMap;
}

export type MemberMetadata =
  | { kind: "tool"; method: string; options: ToolDecoratorOptions }
  | { kind: "resource"; method: string; uri: string; options: ResourceDecoratorOptions }
  | { kind: "prompt"; method: string; options: PromptDecoratorOptions };

export const emptyAuthz = (): Requirement => ({ roleGroups: [], scopes: [], policies: [], public: false });

function methodKey(key: string | symbol): string {
  if (typeof key === "symbol") throw new ConfigurationError(`mcpcraft decorators do not support symbol-named methods (${String(key)})`);
  return key;
}

export function setServerMetadata(target: Class, options: ServerDecoratorOptions): void {
  Reflect.defineMetadata(KEYS.server, options, target);
}

export function getServerMetadata(target: Class): ServerDecoratorOptions | undefined {
  return Reflect.getOwnMetadata(KEYS.server, target);
}

export function addMember(target: Class, member: MemberMetadata): void {
  const own: MemberMetadata[] = Reflect.getOwnMetadata(KEYS.members, target) ?? [];
  Reflect.defineMetadata(KEYS.members, [...own, member], target);
}

/** Members of the class and its ancestors (a subclass may add tools to an inherited server). */
export function getMembers(target: Class): MemberMetadata[] {
  const chain: MemberMetadata[][] = [];
  for (let c: any = target; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const own = Reflect.getOwnMetadata(KEYS.members, c);
    if (own) chain.unshift(own);
  }
  return chain.flat();
}

export function updateAuthz(target: object, key: string | symbol | undefined, change: (m: Requirement) => void): void {
  const prop = key === undefined ? undefined : methodKey(key);
  const current: Requirement =
    (prop === undefined ? Reflect.getOwnMetadata(KEYS.authz, target) : Reflect.getOwnMetadata(KEYS.authz, target, prop)) ??
    emptyAuthz();
  const next: Requirement = {
    roleGroups: [...current.roleGroups],
    scopes: [...current.scopes],
    policies: [...current.policies],
    public: current.public,
  };
  change(next);
  if (prop === undefined) Reflect.defineMetadata(KEYS.authz, next, target);
  else Reflect.defineMetadata(KEYS.authz, next, target, prop);
}

export function getClassAuthz(target: Class): Requirement {
  return Reflect.getOwnMetadata(KEYS.authz, target) ?? emptyAuthz();
}

export function getMethodAuthz(target: Class, method: string): Requirement {
  return Reflect.getMetadata(KEYS.authz, target.prototype, method) ?? emptyAuthz();
}

export function setCtxParam(target: object, key: string | symbol, index: number): void {
  Reflect.defineMetadata(KEYS.ctxParam, index, target, methodKey(key));
}

export function getCtxParam(target: Class, method: string): number | undefined {
  return Reflect.getMetadata(KEYS.ctxParam, target.prototype, method);
}

/**
 * A class's constructor parameter types as tsyringe sees them (after `@injectable()` folded `@inject` tokens
 * into the same array); `undefined` when no metadata was emitted.
 */
export function getConstructorParamTypes(target: Class): unknown[] | undefined {
  return Reflect.getMetadata("design:paramtypes", target);
}

/** TypeScript's emitted parameter types of a method; `undefined` when no metadata was emitted. */
export function getMethodParamTypes(target: Class, method: string): unknown[] | undefined {
  return Reflect.getMetadata("design:paramtypes", target.prototype, method);
}

/**
 * A per-principal call budget of one tool: `points` calls per `duration` seconds.
 *
 * @example
 * ```ts
 * tool({ name: "send_sms", description: "Send a text", rateLimit: { points: 5, duration: 3600 }, run: send })
 * ```
 */
export interface QuotaSpec {
  points: number;
  duration: number;
}

/** Checks a quota at start-up: whole numbers ≥ 1, or `false` (no quota, not even the server's default). */
export function checkQuota(spec: unknown, owner: string): QuotaSpec | false {
  if (spec === false) return false;
  const { points, duration } = (spec ?? {}) as Partial<QuotaSpec>;
  if (!Number.isInteger(points) || !Number.isInteger(duration) || points! < 1 || duration! < 1)
    throw new ConfigurationError(`${owner}: a rate limit needs whole numbers points ≥ 1 and duration ≥ 1 (seconds), or false`);
  return { points: points!, duration: duration! };
}

/** `@RateLimit` on a method (`key`) or a class. */
export function setRateLimit(target: object, key: string | symbol | undefined, spec: QuotaSpec | false): void {
  if (key === undefined) Reflect.defineMetadata(KEYS.rateLimit, spec, target);
  else Reflect.defineMetadata(KEYS.rateLimit, spec, target, methodKey(key));
}

/** The method's own `@RateLimit`, else its class's (or an ancestor's); `undefined` when neither has one. */
export function getRateLimit(target: Class, method: string): QuotaSpec | false | undefined {
  return Reflect.getMetadata(KEYS.rateLimit, target.prototype, method) ?? Reflect.getMetadata(KEYS.rateLimit, target);
}

export { methodKey };

const INTEGRATIONS_KEY = Symbol.for("mcpcraft:integrations");

/** `@UsesIntegration(...)`: the providers a method (or every method of a class) needs connected. */
export function addIntegrations(target: object, key: string | symbol | undefined, names: string[]): void {
  const prop = key === undefined ? undefined : methodKey(key);
  const own: string[] = (prop === undefined ? Reflect.getOwnMetadata(INTEGRATIONS_KEY, target) : Reflect.getOwnMetadata(INTEGRATIONS_KEY, target, prop)) ?? [];
  const next = [...new Set([...own, ...names])];
  if (prop === undefined) Reflect.defineMetadata(INTEGRATIONS_KEY, next, target);
  else Reflect.defineMetadata(INTEGRATIONS_KEY, next, target, prop);
}

/** The providers a tool method needs: its class's and its own. */
export function getIntegrations(target: Class, method: string): string[] {
  const cls: string[] = Reflect.getMetadata(INTEGRATIONS_KEY, target) ?? [];
  const own: string[] = Reflect.getMetadata(INTEGRATIONS_KEY, target.prototype, method) ?? [];
  return [...new Set([...cls, ...own])];
}
