import type { DependencyContainer } from "tsyringe";
import type { AuditTrail } from "../auth/audit";
import type { AuthStrategy } from "../auth/auth-strategy";
import type { OutgoingCredentials } from "../auth/credentials/outgoing-credentials";
import type { Integrations } from "../auth/integrations/integrations";
import type { Completer } from "../contracts/completer";
import type { Requirement } from "../contracts/requirement";
import type { Logger } from "../logger";
import type { QuotaSpec } from "../metadata";
import type { QuotaOptions } from "../auth/tool-quota";
import type { InputValidator } from "../schema/input-validator";
import { ConfigurationError } from "../errors";
import type { ToolContext } from "../contracts/tool-context";

/**
 * Runs a handler. For decorated servers it resolves the class in the request's child container (`scope()`
 * builds it on first use) and calls the method; functional ones call `run` and never ask for a container.
 */
export type Invoker = (args: unknown[], ctx: ToolContext, scope: () => DependencyContainer) => Promise<unknown>;

export interface ToolDefinition {
  name: string;
  title?: string;
  description: string;
  annotations?: Record<string, unknown>;
  input: InputValidator;
  /** The declared `outputSchema`: `structuredContent` is checked against it before it leaves. */
  output?: InputValidator;
  requirement: Requirement;
  /** The tool's own deadline in ms (0: none, even when the server has a default); absent: the server's. */
  timeoutMs?: number;
  /** Providers the tool needs connected before it runs (`@UsesIntegration`, `tool({ integrations })`). */
  integrations?: string[];
  /** Receives `(validatedInput, ctx)`. */
  invoke: Invoker;
  /** The tool's own quota; `false`: none at all; `undefined`: the server's `quotas.default`. */
  rateLimit?: QuotaSpec | false;
}

export interface ResourceDefinition {
  /** A fixed URI, or an RFC 6570 level-1 template such as `users://{id}/profile`. */
  uri: string;
  template: boolean;
  /** Matches a concrete URI against the template and returns its variables. */
  match(uri: string): Record<string, string> | undefined;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  requirement: Requirement;
  /** Completers for the template's variables. */
  complete?: Record<string, Completer>;
  /** Receives `(uri, params, ctx)`. */
  invoke: Invoker;
}

export interface PromptDefinition {
  name: string;
  title?: string;
  description?: string;
  arguments: { name: string; description?: string; required?: boolean }[];
  input?: InputValidator;
  requirement: Requirement;
  /** Completers for the prompt's arguments. */
  complete?: Record<string, Completer>;
  /** Receives `(args, ctx)`. */
  invoke: Invoker;
}

/** The server compiled once at start-up: the request path reads only this. */
export interface ServerDefinition {
  name: string;
  version: string;
  instructions?: string;
  tools: ReadonlyMap<string, ToolDefinition>;
  resources: readonly ResourceDefinition[];
  prompts: ReadonlyMap<string, PromptDefinition>;
  strategy?: AuthStrategy;
  /** With a strategy: requests without credentials are served as anonymous (only `@Public` members). */
  anonymous: boolean;
  hideUnauthorized: boolean;
  policyTimeoutMs: number;
  /** A strategy or `authenticate` hook slower than this answers 503. Default 10,000 ms. */
  authenticationTimeoutMs?: number;
  /** Default deadline of every tool without its own `timeout`; absent: none. */
  toolTimeoutMs?: number;
  container: DependencyContainer;
  logger: Logger;
  audit: AuditTrail;
  /** Per-principal tool quotas: where they are counted and the default budget. */
  quotas: QuotaOptions;
  /** Requests one connection may have in flight at once (`ping` aside). */
  maxInFlight: number;
  /** `createServer({ credentials })`: what `ctx.credentials` obtains outgoing tokens with. */
  credentials?: OutgoingCredentials;
  /** `createServer({ integrations })`: what `ctx.integration(name)` reads users' provider tokens from. */
  integrations?: Integrations;
}

/** Checks a `complete` map at start-up: an object of functions, keyed by argument or variable names. */
export function completers(map: unknown, known: string[], owner: string): Record<string, Completer> | undefined {
  if (map === undefined) return undefined;
  if (!map || typeof map !== "object") throw new ConfigurationError(`${owner}: complete must be an object of functions`);
  for (const [name, fn] of Object.entries(map)) {
    if (typeof fn !== "function") throw new ConfigurationError(`${owner}: complete.${name} must be a function`);
    if (!known.includes(name)) throw new ConfigurationError(`${owner}: complete.${name} names no argument or template variable (known: ${known.join(", ") || "none"})`);
  }
  return map as Record<string, Completer>;
}

/** Checks a tool's `timeout` at start-up: absent, 0 (no deadline) or a positive number of milliseconds. */
export function toolTimeout(value: unknown, owner: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value) || value > 2 ** 31 - 1)
    throw new ConfigurationError(`${owner}: timeout must be a number of milliseconds (0 for none), got ${JSON.stringify(value)}`);
  return value;
}

/** The variable names of an RFC 6570 level-1 template. */
export function templateVariables(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]);
}

/** `deleteUser` → `delete_user`, `getHTTPStatus` → `get_http_status`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[-\s]+/g, "_")
    .toLowerCase();
}

/** Compiles `users://{id}/profile` into a matcher; variables match one path segment. */
export function uriTemplateMatcher(template: string): (uri: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template.replace(/[.*+?^${}()|[\]\\]/g, (ch) => (ch === "{" || ch === "}" ? ch : `\\${ch}`)).replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name) => {
    names.push(name);
    return "([^/?#]+)";
  });
  const re = new RegExp(`^${pattern}$`);
  return (uri) => {
    const m = re.exec(uri);
    if (!m) return undefined;
    const params: Record<string, string> = Object.create(null);
    names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1]);
    });
    return params;
  };
}
