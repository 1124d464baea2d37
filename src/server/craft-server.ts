import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { DependencyContainer } from "tsyringe";
import { AuditTrail, type AuditHook } from "../auth/audit";
import { AuthFailureLimiter, type RateLimitOptions } from "../auth/rate-limit";
import type { QuotaOptions } from "../auth/tool-quota";
import type { AuthContext } from "../contracts/auth-context";
import type { AuthStrategy } from "../auth/auth-strategy";
import type { OutgoingCredentials } from "../auth/credentials/outgoing-credentials";
import type { Integrations } from "../auth/integrations/integrations";
import { compileClass } from "../core/compile-class";
import { compilePromptSpec, compileResourceSpec, compileToolSpec } from "../core/compile-functional";
import type { ListKind } from "../core/connection-registry";
import type { PromptDefinition, ResourceDefinition, ServerDefinition, ToolDefinition } from "../core/definition";
import type { CloseOptions } from "../core/pending-work";
import { RequestPipeline } from "../core/request-pipeline";
import { RESOURCE_SUBSCRIPTIONS } from "../contracts/tokens";
import { ConfigurationError } from "../errors";
import { PROMPT_SPEC, type PromptSpec } from "../functional/prompt";
import { RESOURCE_SPEC, type ResourceSpec } from "../functional/resource";
import { TOOL_SPEC, type ToolSpec } from "../functional/tool";
import type { Logger } from "../logger";
import type { Class } from "../metadata";
import { HttpHost, type HttpHandlerOptions, type HttpListenOptions, type HttpListening } from "../transport/http.transport";
import { serveMessagePort, type PortHandle } from "../transport/message-port";
import { serveStdio, type StdioListenOptions } from "../transport/stdio.transport";

export interface CraftServerSettings {
  name: string;
  version: string;
  instructions?: string;
  strategy?: AuthStrategy;
  anonymous: boolean;
  hideUnauthorized: boolean;
  policyTimeoutMs: number;
  authenticationTimeoutMs?: number;
  /** Deadline of every tool without its own `timeout`; absent: none. */
  toolTimeoutMs?: number;
  container: DependencyContainer;
  logger: Logger;
  onAudit?: AuditHook;
  serverClass?: Class;
  /** Limits failed authentications per client IP over HTTP; `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  quotas: QuotaOptions;
  /** `maxInFlightPerSession`. */
  maxInFlight: number;
  /** Outgoing tokens for `ctx.credentials`. */
  credentials?: OutgoingCredentials;
  /** Users' provider tokens for `ctx.integration(name)`. */
  integrations?: Integrations;
}

/** What `server.listen()` takes: Streamable HTTP options (the default transport) or `{ transport: "stdio" }`. */
export type ListenOptions = ({ transport?: "http" } & HttpListenOptions) | ({ transport: "stdio" } & StdioListenOptions);

type AnySpec = ToolSpec | ResourceSpec | PromptSpec;

/**
 * A server built by `createServer`, from a decorated class or from `tool()` objects: one runtime, every transport.
 *
 * @example
 * ```ts
 * const server = createServer({ name: "notes" })   // or createServer(NotesServer, { container })
 * server.add(tool({ name: "ping", description: "Ping", run: () => "pong" }))
 * const { url, close } = await server.listen({ port: 3000 })   // or listen({ transport: "stdio" }), or handler()
 * ```
 */
export class CraftServer {
  private readonly tools = new Map<string, ToolDefinition>();
  private readonly resources: ResourceDefinition[] = [];
  private readonly prompts = new Map<string, PromptDefinition>();
  private compiled?: RequestPipeline;
  private limiter?: AuthFailureLimiter;
  private readonly hosts = new Set<PortHandle>();

  constructor(private readonly settings: CraftServerSettings) {
    if (settings.serverClass) {
      const members = compileClass(settings.serverClass);
      members.tools.forEach((t) => this.addTool(t));
      members.resources.forEach((r) => this.addResource(r));
      members.prompts.forEach((p) => this.addPrompt(p));
    }
  }

  /** The server's name as announced in `initialize`. */
  get name(): string {
    return this.settings.name;
  }

  /**
   * Adds tools, resources or prompts built with `tool()`, `resource()`, `prompt()`. Throws on a duplicate name,
   * an invalid schema, or a role/scope requirement on a server without authentication.
   */
  add(...specs: AnySpec[]): this {
    if (this.compiled) throw new ConfigurationError("server.add() after the server started; add everything before listen()");
    for (const spec of specs) {
      const brand = spec as unknown as Partial<Record<symbol, unknown>>;
      if (brand[TOOL_SPEC]) this.addTool(compileToolSpec(spec as ToolSpec));
      else if (brand[RESOURCE_SPEC]) this.addResource(compileResourceSpec(spec as ResourceSpec));
      else if (brand[PROMPT_SPEC]) this.addPrompt(compilePromptSpec(spec as PromptSpec));
      else throw new ConfigurationError("server.add() takes objects made by tool(), resource() or prompt()");
    }
    return this;
  }

  /**
   * Starts serving. HTTP (default): Streamable HTTP at `http://127.0.0.1:<port>/mcp`, resolving to
   * `{ url, port, close }`. stdio: authenticates once from the environment and exits non-zero if that fails.
   */
  async listen(options: ListenOptions & { port?: number } = {}): Promise<HttpListening> {
    if (options.transport === "stdio") {
      const handle = await serveStdio(this.pipeline, options);
      this.hosts.add(handle);
      return { url: "stdio:", port: 0, close: (o) => handle.close(o) };
    }
    const limiter = this.authLimiter();
    // Shared failure counts must be shared from the first request: wait (bounded) for the Redis store.
    await Promise.all([limiter?.ready(), this.pipeline.quotas.store.ready()]);
    const host = new HttpHost(this.pipeline, options, limiter);
    const listening = await host.listen();
    this.hosts.add(host);
    this.settings.integrations?.listeningAt(new URL(listening.url).origin);
    return listening;
  }

  /** A Node `(req, res)` handler for mounting in an existing app (Express, Fastify's raw server, node:http). */
  handler(options: HttpHandlerOptions = {}): (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, next?: (err?: unknown) => void) => void {
    const host = new HttpHost(this.pipeline, options, this.authLimiter());
    this.hosts.add(host);
    return host.handler;
  }

  /** Connects a server-side SDK transport (the test kit's in-memory pair) with a fixed principal. */
  async connect(transport: Transport, auth?: AuthContext, kind: "memory" | "stdio" = "memory"): Promise<PortHandle> {
    const handle = await serveMessagePort(this.pipeline, transport, auth, kind);
    this.hosts.add(handle);
    return handle;
  }

  /**
   * Tells every client subscribed to `uri` (`resources/subscribe`) that it changed
   * (`notifications/resources/updated`). Resolves to the number of connections notified.
   *
   * @example
   * ```ts
   * config.set("theme", "dark")
   * await server.notifyResourceUpdated("config://app")
   * ```
   */
  notifyResourceUpdated(uri: string): Promise<number> {
    return this.pipeline.subscriptions.notifyUpdated(uri);
  }

  /** Token-endpoint requests made for `ctx.credentials` and its token cache's counters (`undefined` without `credentials`). */
  credentialStats(): ReturnType<OutgoingCredentials["stats"]> | undefined {
    return this.settings.credentials?.stats();
  }

  /**
   * Tells every connected client that a list changed (`notifications/tools/list_changed`, and the same for
   * `resources` and `prompts`), e.g. after a feature flag changed what callers may see. With Redis sessions it
   * reaches the sessions of every instance and resolves to the number of instances told; otherwise to the
   * number of connections told.
   *
   * @example
   * ```ts
   * flags.enable("beta-tools")
   * await server.notifyListChanged("tools")
   * ```
   */
  notifyListChanged(kind: ListKind): Promise<number> {
    return this.pipeline.connections.notifyListChanged(kind);
  }

  /**
   * Drains and stops every listener and session this server started: new requests are refused (HTTP 503 with
   * `Connection: close`), in-flight calls may finish until `timeoutMs` (default 10 s), then their `ctx.signal`
   * aborts, SSE streams and sessions end and the failed-auth limiter's own Redis client is closed. Requests cut
   * at the deadline are logged (`server.drain`, with how many).
   *
   * @example
   * ```ts
   * process.once("SIGTERM", () => void server.close({ timeoutMs: 10_000 }).then(() => process.exit(0)))
   * ```
   */
  async close(options?: CloseOptions): Promise<void> {
    // Listen streams never end by themselves: answered now, they tell their clients the end was meant.
    this.compiled?.listens.endAll();
    const all = [...this.hosts];
    this.hosts.clear();
    await Promise.allSettled(all.map((h) => h.close(options)));
    await this.limiter?.close();
    this.limiter = undefined;
    this.compiled?.quotas.store.close();
    await this.settings.integrations?.store.close?.();
  }

  /** The request pipeline, compiled on first use. Freezes the server: `add()` is refused afterwards. */
  get pipeline(): RequestPipeline {
    if (!this.compiled) {
      const s = this.settings;
      const def: ServerDefinition = {
        name: s.name,
        version: s.version,
        instructions: s.instructions,
        tools: this.tools,
        resources: this.resources,
        prompts: this.prompts,
        strategy: s.strategy,
        anonymous: s.anonymous,
        hideUnauthorized: s.hideUnauthorized,
        policyTimeoutMs: s.policyTimeoutMs,
        authenticationTimeoutMs: s.authenticationTimeoutMs,
        toolTimeoutMs: s.toolTimeoutMs,
        container: s.container,
        logger: s.logger,
        audit: new AuditTrail(s.logger, s.onAudit),
        quotas: s.quotas,
        maxInFlight: s.maxInFlight,
        credentials: s.credentials,
        integrations: s.integrations,
      };
      this.compiled = new RequestPipeline(def);
      def.container.register(RESOURCE_SUBSCRIPTIONS, { useValue: this.compiled.subscriptions });
    }
    return this.compiled;
  }

  private authLimiter(): AuthFailureLimiter | undefined {
    if (this.settings.rateLimit === false || !this.settings.strategy) return undefined;
    this.limiter ??= new AuthFailureLimiter(this.settings.rateLimit ?? {}, this.pipeline.def.audit);
    return this.limiter;
  }

  private requireAuthFor(label: string, req: { roleGroups: string[][]; scopes: string[] }): void {
    if (!this.settings.strategy && (req.roleGroups.length || req.scopes.length))
      throw new ConfigurationError(
        `${label} requires roles or scopes but server "${this.settings.name}" has no authentication; ` +
          `configure auth (e.g. auth: ApiKeyStrategy) or an authenticate() hook`,
      );
  }

  private addTool(t: ToolDefinition): void {
    if (this.tools.has(t.name)) throw new ConfigurationError(`duplicate tool name "${t.name}": tool names must be unique; rename one with @Tool({ name }) or tool({ name })`);
    this.requireAuthFor(`tool "${t.name}"`, t.requirement);
    for (const name of t.integrations ?? [])
      if (!this.settings.integrations?.has(name)) throw new ConfigurationError(`tool "${t.name}" uses integration "${name}", which createServer({ integrations: { providers } }) does not configure`);
    this.tools.set(t.name, t);
  }

  private addResource(r: ResourceDefinition): void {
    if (this.resources.some((x) => x.uri === r.uri)) throw new ConfigurationError(`duplicate resource "${r.uri}"`);
    this.requireAuthFor(`resource "${r.uri}"`, r.requirement);
    this.resources.push(r);
  }

  private addPrompt(p: PromptDefinition): void {
    if (this.prompts.has(p.name)) throw new ConfigurationError(`duplicate prompt name "${p.name}"`);
    this.requireAuthFor(`prompt "${p.name}"`, p.requirement);
    this.prompts.set(p.name, p);
  }
}
