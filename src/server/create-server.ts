import { container as globalContainer, type DependencyContainer } from "tsyringe";
import type { AuditHook } from "../auth/audit";
import type { RateLimitOptions } from "../auth/rate-limit";
import type { QuotaOptions } from "../auth/tool-quota";
import type { ProtectedResourceMetadata } from "../auth/auth-strategy";
import { OutgoingCredentials, type OutgoingCredentialsOptions } from "../auth/credentials/outgoing-credentials";
import { Integrations, type IntegrationsOptions } from "../auth/integrations/integrations";
import { AuthenticateHookStrategy, type AuthenticateHook } from "../auth/strategies/authenticate-hook.strategy";
import { toolTimeout } from "../core/definition";
import { ConfigurationError } from "../errors";
import { createDefaultLogger, type Logger } from "../logger";
import { checkQuota, getServerMetadata, type Class } from "../metadata";
import { LOGGER } from "../contracts/tokens";
import { resolveAuth, type AuthSpec } from "./auth-config";
import { CraftServer } from "./craft-server";

/** Deadlines of the server's work. */
export interface TimeoutOptions {
  /**
   * Milliseconds any tool may run before its call answers -32031 (`ToolTimeoutError`) and its `ctx.signal`
   * aborts; a tool's own `timeout` wins. Default: none (SDK clients cancel their own requests after 60 s).
   */
  toolMs?: number;
}

/** How authorization decides and what lists show: `createServer({ authorization })` or `@Server({ authorization })`. */
export interface AuthorizationOptions {
  /** Hide what the caller may not use from `tools/list` & co. Default true. */
  hideUnauthorized?: boolean;
  /** An `@Authorize` policy slower than this denies. Default 5000 ms. */
  policyTimeoutMs?: number;
}

interface CommonOptions {
  /** Overrides `@Server({ auth })`; a strategy class/token, instance, array, or `{ strategy, anonymous }`. */
  auth?: AuthSpec;
  authorization?: AuthorizationOptions;
  /** Default: JSON lines on stderr. */
  logger?: Logger;
  /** Called with every `auth.failure` / `authz.denied` event. */
  onAudit?: AuditHook;
  /** The tsyringe container to resolve the server class and strategies from. Default: the global container. */
  container?: DependencyContainer;
  /**
   * Failed authentications per client IP over HTTP (default 10 per minute, in memory); pass `{ redis }` to share
   * counts across instances, or `false` to turn it off.
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Per-principal tool quotas (`@RateLimit`, `tool({ rateLimit })`): a `default` budget for every tool without its
   * own, and where counts live (memory; `redis` to share them, default `rateLimit.redis`).
   */
  quotas?: QuotaOptions;
  /** Requests one HTTP session, stateless POST, stdio process or in-memory client may have in flight (-32033 above). Default 100. */
  maxInFlightPerSession?: number;
  /**
   * This server as an OAuth client, for the tokens `ctx.credentials` sends downstream: token exchange on the
   * caller's behalf, client credentials, service JWTs. See docs/outgoing-credentials.md.
   */
  credentials?: OutgoingCredentialsOptions;
  /**
   * Third-party providers users connect their own accounts from (`ctx.integration(name)`), with the OAuth
   * callback served on this server's HTTP listener. See docs/outgoing-credentials.md#integration-tokens.
   */
  integrations?: IntegrationsOptions;
  /**
   * A strategy or `authenticate` hook that has not settled after this many milliseconds answers 503 with
   * `Retry-After` (JSON-RPC -32034) instead of holding its request forever. Default 10,000.
   */
  authenticationTimeoutMs?: number;
  /** `{ toolMs }`: the default deadline of every tool. */
  timeouts?: TimeoutOptions;
}

/** The functional API's options (DESIGN §1a). */
export interface ServerOptions extends CommonOptions {
  name: string;
  version?: string;
  instructions?: string;
  /** Throw to reject (401 with the message); return what tools should see as their context. */
  authenticate?: AuthenticateHook;
  /**
   * Strict mode for `authenticate`: a hook that returns nothing, or nothing naming a subject (`subject`,
   * `user.id`, `user.sub`, `service`), rejects the request with 401. Default false: such a hook admits the caller
   * as subject `"authenticated"`, as the guide's sample needs.
   */
  requireSubject?: boolean;
  /**
   * RFC 9728 metadata for an `authenticate` hook that checks OAuth tokens: served at
   * `/.well-known/oauth-protected-resource[/mcp]` and pointed to from every 401.
   */
  resourceMetadata?: ProtectedResourceMetadata;
}

/** The second argument of `createServer(ServerClass, options)`: the options of a functional server but `name`, `version`, `instructions` (which `@Server` holds) and `authenticate`. */
export type ClassServerOptions = CommonOptions;

/**
 * Creates a server from options (functional API) or from a `@Server` class. Synchronous; throws a
 * `ConfigurationError` on any misconfiguration.
 *
 * @example
 * ```ts
 * const server = createServer({ name: "api-server", authenticate: async (headers) => { … } })
 * server.add(tool({ name: "ping", description: "Ping", run: () => "pong" }))
 * await server.listen({ port: 3000 })
 *
 * const admin = createServer(AdminServer, { container })
 * ```
 */
export function createServer(options: ServerOptions): CraftServer;
export function createServer(serverClass: Class, options?: ClassServerOptions): CraftServer;
export function createServer(target: ServerOptions | Class, maybe?: ClassServerOptions): CraftServer {
  const isClass = typeof target === "function";
  const meta = isClass ? getServerMetadata(target) : undefined;
  if (isClass && !meta) throw new ConfigurationError(`${target.name} is not decorated with @Server({ name })`);
  const options: CommonOptions & Partial<ServerOptions> = isClass ? (maybe ?? {}) : target;
  if (!isClass && (!options || typeof options.name !== "string" || !options.name))
    throw new ConfigurationError("createServer({ name }) needs a non-empty name");

  const root = (options.container ?? globalContainer).createChildContainer();
  const logger = options.logger ?? createDefaultLogger();
  root.register(LOGGER, { useValue: logger });

  if (options.authenticate !== undefined && typeof options.authenticate !== "function")
    throw new ConfigurationError("authenticate must be a function");
  if (options.authenticate && options.auth) throw new ConfigurationError("give either authenticate() or auth, not both");
  if (options.requireSubject !== undefined && !options.authenticate) throw new ConfigurationError("requireSubject applies to an authenticate() hook; give one");
  const authSpec = options.auth ?? (options.authenticate ? new AuthenticateHookStrategy(options.authenticate, options.resourceMetadata, { requireSubject: options.requireSubject === true }) : meta?.auth);
  const { strategy, anonymous } = resolveAuth(authSpec, root);
  const authorization = { ...(meta?.authorization ?? {}), ...(options.authorization ?? {}) };
  const policyTimeoutMs = authorization.policyTimeoutMs ?? 5000;
  if (!(policyTimeoutMs > 0)) throw new ConfigurationError("authorization.policyTimeoutMs must be positive");
  const maxInFlight = options.maxInFlightPerSession ?? 100;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new ConfigurationError("maxInFlightPerSession must be a whole number ≥ 1");
  const quotas = options.quotas ?? {};
  if (quotas.default !== undefined) checkQuota(quotas.default, "quotas.default");
  const authenticationTimeoutMs = options.authenticationTimeoutMs ?? 10_000;
  if (!(authenticationTimeoutMs > 0) || !Number.isFinite(authenticationTimeoutMs)) throw new ConfigurationError("authenticationTimeoutMs must be a positive number of milliseconds");
  const toolTimeoutMs = toolTimeout(options.timeouts?.toolMs, "timeouts.toolMs") || undefined;

  return new CraftServer({
    name: meta?.name ?? (options as ServerOptions).name,
    version: meta?.version ?? options.version ?? "0.0.0",
    instructions: meta?.instructions ?? options.instructions,
    strategy,
    anonymous,
    hideUnauthorized: authorization.hideUnauthorized !== false,
    policyTimeoutMs,
    authenticationTimeoutMs,
    toolTimeoutMs,
    container: root,
    logger,
    onAudit: options.onAudit,
    rateLimit: options.rateLimit,
    quotas: { ...quotas, redis: quotas.redis ?? (options.rateLimit ? options.rateLimit.redis : undefined) },
    maxInFlight,
    credentials: options.credentials !== undefined ? new OutgoingCredentials(options.credentials, logger) : undefined,
    integrations: options.integrations !== undefined ? new Integrations(options.integrations, logger) : undefined,
    serverClass: isClass ? target : undefined,
  });
}
