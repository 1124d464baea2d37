import { Server as SdkServer } from "@modelcontextprotocol/sdk/server/index.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  type LoggingLevel,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { DependencyContainer } from "tsyringe";
import { stringList } from "../auth/string-list";
import { type AuthContext, type AuthRequest, type TransportKind } from "../contracts/auth-context";
import { PolicyEngine, type Decision } from "../auth/policy";
import { type Requirement } from "../contracts/requirement";
import {
  AuthenticationError,
  ForbiddenError,
  IdentityProviderUnavailableError,
  InsufficientScopeError,
  InvalidRequestError,
  JsonRpcCode,
  NotFoundError,
  RateLimitedError,
} from "../errors";
import { formatFieldErrors } from "../schema/input-validator";
import { AUTH_CONTEXT, REQUEST_CONTEXT, RESOURCE_SUBSCRIPTIONS } from "../contracts/tokens";
import type { PromptDefinition, ResourceDefinition, ServerDefinition, ToolDefinition } from "./definition";
import { toPromptResult, toResourceResult, toToolResult, toolErrorResult } from "./result-mapper";
import { ResourceSubscriptions } from "./resource-subscriptions";
import type { ToolContext } from "../contracts/tool-context";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Where a transport puts the authenticated principal on the SDK's `AuthInfo` (its `extra` field). */
export const AUTH_INFO_KEY = "mcpcraft.auth";

/** A JSON-RPC error the SDK forwards as is (it reads `code` and `message` off the thrown object). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

const RESOURCE_NOT_FOUND = -32002;
const LOG_LEVELS: readonly LoggingLevel[] = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

/** The request pipeline: authenticate → authorize → validate → handler, shared by every transport. */
export class Runtime {
  readonly engine: PolicyEngine;
  private readonly toolEntries: { def: ToolDefinition; listed: Tool }[];
  /**
   * Each SDK `Server` otherwise builds its own Ajv instance; stateless HTTP creates a server per request, and that
   * construction alone was about a quarter of the server's CPU in bench/ (mcpcraft validates inputs itself).
   */
  private readonly sdkValidator = new AjvJsonSchemaValidator();
  /** `resources/subscribe` registrations of every live connection; `CraftServer.notifyResourceUpdated` reads it. */
  readonly subscriptions = new ResourceSubscriptions();

  constructor(readonly def: ServerDefinition) {
    this.engine = new PolicyEngine({ authEnabled: !!def.strategy, policyTimeoutMs: def.policyTimeoutMs });
    def.container.register(RESOURCE_SUBSCRIPTIONS, { useValue: this.subscriptions });
    this.toolEntries = [...def.tools.values()].map((t) => ({
      def: t,
      listed: {
        name: t.name,
        ...(t.title ? { title: t.title } : {}),
        description: t.description,
        inputSchema: t.input.schema as Tool["inputSchema"],
        ...(t.annotations ? { annotations: t.annotations } : {}),
      },
    }));
  }

  get authRequired(): boolean {
    return !!this.def.strategy && !this.def.anonymous;
  }

  /**
   * Authenticates one request. `undefined` means anonymous (no strategy, or anonymous access with no
   * credential presented). Every failure is audited and surfaces as a framework error: anything unexpected
   * from a strategy becomes a plain 401, never a pass.
   */
  async authenticate(req: AuthRequest, options: { log?: boolean } = {}): Promise<AuthContext | undefined> {
    const strategy = this.def.strategy;
    if (!strategy) return undefined;
    if (this.def.anonymous && strategy.hasCredentials && !strategy.hasCredentials(req)) return undefined;
    try {
      return normalizeAuth(await strategy.authenticate(req), strategy.name);
    } catch (err) {
      if (err instanceof IdentityProviderUnavailableError) {
        this.def.audit.emit({ type: "auth.dependency_unavailable", strategy: strategy.name, ip: req.ip, transport: req.transport }, options);
        throw err;
      }
      if (err instanceof InvalidRequestError || err instanceof RateLimitedError || err instanceof InsufficientScopeError) {
        this.def.audit.emit({ type: "auth.failure", reason: err.code, strategy: strategy.name, ip: req.ip, transport: req.transport }, options);
        throw err;
      }
      const failure = err instanceof AuthenticationError ? err : new AuthenticationError("rejected");
      // A strategy without hasCredentials() can still say "nothing was presented": that is an anonymous caller.
      if (this.def.anonymous && failure.reason === "missing_credentials" && !strategy.hasCredentials) return undefined;
      this.def.audit.emit({
        type: "auth.failure",
        reason: failure.reason,
        strategy: typeof failure.details.strategy === "string" ? failure.details.strategy : strategy.name,
        ip: req.ip,
        transport: req.transport,
        ...(typeof failure.details.keyId === "string" ? { keyId: failure.details.keyId } : {}),
        ...(typeof failure.details.kid === "string" ? { kid: failure.details.kid } : {}),
      }, options);
      throw failure;
    }
  }

  /** Scopes a `tools/call` needs that the caller lacks (for the HTTP 403 step-up); empty when none or unknown tool. */
  missingScopesFor(toolName: unknown, auth: AuthContext | undefined): { required: string[]; missing: string[] } {
    const tool = typeof toolName === "string" ? this.def.tools.get(toolName) : undefined;
    if (!tool || !auth) return { required: [], missing: [] };
    const required = tool.requirement.scopes;
    return { required, missing: required.filter((s) => !auth.scopes.includes(s)) };
  }

  auditDenied(kind: "tool" | "resource" | "prompt", target: string, auth: AuthContext | undefined, d: Decision, transport: TransportKind): void {
    this.def.audit.emit({
      type: "authz.denied",
      subject: auth?.subject,
      kind,
      target,
      missingRoles: d.missingRoles,
      missingScopes: d.missingScopes,
      reason: d.reason,
      transport,
    });
  }

  /**
   * A low-level SDK `Server` wired to this definition. `fixedAuth` is the principal for transports without
   * per-request credentials (stdio, the test kit); HTTP passes each request's principal in `authInfo`.
   */
  createSdkServer(transport: TransportKind, fixedAuth?: AuthContext): SdkServer {
    const def = this.def;
    const server = new SdkServer(
      { name: def.name, version: def.version },
      {
        capabilities: {
          tools: {},
          logging: {},
          ...(def.resources.length ? { resources: { subscribe: true } } : {}),
          ...(def.prompts.size ? { prompts: {} } : {}),
          ...(def.prompts.size || def.resources.some((r) => r.template) ? { completions: {} } : {}),
        },
        ...(def.instructions ? { instructions: def.instructions } : {}),
        jsonSchemaValidator: this.sdkValidator,
      },
    );
    // logging/setLevel is per connection; ctx.clientLog honours it (the SDK filters only its own sendLoggingMessage).
    let clientLevel: LoggingLevel | undefined;
    server.setRequestHandler(SetLevelRequestSchema, async (req) => {
      clientLevel = req.params.level;
      return {};
    });
    const levelOf = () => clientLevel;
    const authOf = (extra: Extra): AuthContext | undefined => {
      const carried = extra.authInfo?.extra?.[AUTH_INFO_KEY] as AuthContext | undefined;
      return carried ?? fixedAuth;
    };
    const visible = (req: Requirement, auth: AuthContext | undefined) => !def.hideUnauthorized || this.engine.check(req, auth).allowed;

    server.setRequestHandler(ListToolsRequestSchema, async (_req, extra) => {
      const auth = authOf(extra);
      return { tools: this.toolEntries.filter((e) => visible(e.def.requirement, auth)).map((e) => e.listed) };
    });

    server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
      const tool = def.tools.get(req.params.name);
      if (!tool) throw new RpcError(JsonRpcCode.InvalidParams, `Unknown tool: ${String(req.params.name).slice(0, 128)}`);
      const auth = authOf(extra);
      const ctx = this.context(auth, extra, transport, levelOf, req.params._meta?.progressToken);
      await this.authorizeStatic("tool", tool.name, tool.requirement, auth, transport);
      const checked = await tool.input.validate(req.params.arguments);
      if (!checked.ok) return toolErrorResult(formatFieldErrors(checked.errors));
      await this.authorizeCall("tool", tool.name, tool.requirement, ctx, checked.value, transport);
      try {
        return toToolResult(await this.run(tool.invoke, [checked.value], ctx));
      } catch (err) {
        if (err instanceof ForbiddenError) throw forbidden(err);
        if (err instanceof RpcError) throw err;
        ctx.log.warn({ event: "tool.error", tool: tool.name, error: (err as Error)?.message }, "tool threw");
        return toolErrorResult(err instanceof Error ? err.message : "Tool failed");
      }
    });

    if (def.resources.length) {
      server.setRequestHandler(ListResourcesRequestSchema, async (_req, extra) => {
        const auth = authOf(extra);
        return {
          resources: def.resources
            .filter((r) => !r.template && visible(r.requirement, auth))
            .map((r) => ({ uri: r.uri, name: r.name, title: r.title, description: r.description, mimeType: r.mimeType })),
        };
      });
      server.setRequestHandler(ListResourceTemplatesRequestSchema, async (_req, extra) => {
        const auth = authOf(extra);
        return {
          resourceTemplates: def.resources
            .filter((r) => r.template && visible(r.requirement, auth))
            .map((r) => ({ uriTemplate: r.uri, name: r.name, title: r.title, description: r.description, mimeType: r.mimeType })),
        };
      });
      server.setRequestHandler(ReadResourceRequestSchema, async (req, extra) => {
        const uri = req.params.uri;
        const found = this.findResource(uri);
        const auth = authOf(extra);
        const ctx = this.context(auth, extra, transport, levelOf);
        await this.authorizeStatic("resource", found.r.uri, found.r.requirement, auth, transport);
        await this.authorizeCall("resource", found.r.uri, found.r.requirement, ctx, found.params, transport);
        const value = await this.runOrFail(found.r.invoke, [uri, found.params], ctx);
        return toResourceResult(uri, found.r.mimeType, value);
      });
      // Subscribing needs the same right as reading (static rules; input-dependent policies run at read time).
      server.setRequestHandler(SubscribeRequestSchema, async (req, extra) => {
        const found = this.findResource(req.params.uri);
        await this.authorizeStatic("resource", found.r.uri, found.r.requirement, authOf(extra), transport);
        this.subscriptions.subscribe(server, req.params.uri);
        return {};
      });
      server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
        this.subscriptions.unsubscribe(server, req.params.uri);
        return {};
      });
    }

    if (def.prompts.size) {
      server.setRequestHandler(ListPromptsRequestSchema, async (_req, extra) => {
        const auth = authOf(extra);
        return {
          prompts: [...def.prompts.values()]
            .filter((p) => visible(p.requirement, auth))
            .map((p) => ({ name: p.name, title: p.title, description: p.description, arguments: p.arguments })),
        };
      });
      server.setRequestHandler(GetPromptRequestSchema, async (req, extra) => {
        const p: PromptDefinition | undefined = def.prompts.get(req.params.name);
        if (!p) throw new RpcError(JsonRpcCode.InvalidParams, `Unknown prompt: ${String(req.params.name).slice(0, 128)}`);
        const auth = authOf(extra);
        const ctx = this.context(auth, extra, transport, levelOf);
        await this.authorizeStatic("prompt", p.name, p.requirement, auth, transport);
        let args: unknown = req.params.arguments ?? {};
        if (p.input) {
          const checked = await p.input.validate(args);
          if (!checked.ok) throw new RpcError(JsonRpcCode.InvalidParams, formatFieldErrors(checked.errors));
          args = checked.value;
        } else {
          const missing = p.arguments.filter((a) => a.required && (args as Record<string, unknown>)[a.name] === undefined);
          if (missing.length) throw new RpcError(JsonRpcCode.InvalidParams, `Missing required argument: ${missing.map((m) => m.name).join(", ")}`);
        }
        await this.authorizeCall("prompt", p.name, p.requirement, ctx, args, transport);
        return toPromptResult(await this.runOrFail(p.invoke, [args], ctx), p.description);
      });
    }
    if (def.prompts.size || def.resources.some((r) => r.template)) {
      server.setRequestHandler(CompleteRequestSchema, async (req, extra) => {
        const { ref, argument } = req.params;
        const target =
          ref.type === "ref/prompt"
            ? { kind: "prompt" as const, id: ref.name, def: def.prompts.get(ref.name) }
            : { kind: "resource" as const, id: ref.uri, def: def.resources.find((r) => r.template && r.uri === ref.uri) };
        if (!target.def) throw new RpcError(JsonRpcCode.InvalidParams, `Unknown ${target.kind}: ${String(target.id).slice(0, 256)}`);
        const auth = authOf(extra);
        await this.authorizeStatic(target.kind, target.id, target.def.requirement, auth, transport);
        const completer = target.def.complete?.[argument.name];
        if (!completer) return { completion: { values: [] } };
        const ctx = this.context(auth, extra, transport, levelOf);
        const values = await this.runOrFail(async ([value, args], c) => completer(value as string, c, args as Record<string, string>), [argument.value, req.params.context?.arguments ?? {}], ctx);
        const strings = Array.isArray(values) ? values.filter((v): v is string => typeof v === "string") : [];
        // The spec caps one answer at 100 values; say how many there were.
        return { completion: { values: strings.slice(0, 100), total: strings.length, hasMore: strings.length > 100 } };
      });
    }
    return server;
  }

  /** The resource serving `uri`: an exact URI wins over a template. */
  private findResource(uri: string): { r: ResourceDefinition; params: Record<string, string> } {
    let found: { r: ResourceDefinition; params: Record<string, string> } | undefined;
    for (const r of this.def.resources) {
      const params = r.match(uri);
      if (params && (!found || (found.r.template && !r.template))) found = { r, params };
    }
    if (!found) throw new RpcError(RESOURCE_NOT_FOUND, "Resource not found", { uri: uri.slice(0, 256) });
    return found;
  }

  private async authorizeStatic(kind: "tool" | "resource" | "prompt", target: string, req: Requirement, auth: AuthContext | undefined, transport: TransportKind) {
    const d = this.engine.check(req, auth);
    if (d.allowed) return;
    this.auditDenied(kind, target, auth, d, transport);
    throw forbidden(new ForbiddenError(d.reason, d.missingRoles, d.missingScopes));
  }

  private async authorizeCall(kind: "tool" | "resource" | "prompt", target: string, req: Requirement, ctx: ToolContext, input: unknown, transport: TransportKind) {
    if (!req.policies.length) return;
    const d = await this.engine.checkCall(req, ctx, input);
    if (d.allowed) return;
    this.auditDenied(kind, target, ctx.auth, d, transport);
    throw forbidden(new ForbiddenError(d.reason));
  }

  private context(
    auth: AuthContext | undefined,
    extra: Extra,
    transport: TransportKind,
    clientLevel: () => LoggingLevel | undefined,
    progressToken?: string | number,
  ): ToolContext {
    return {
      ...(auth?.context ?? {}),
      auth,
      requestId: extra.requestId,
      sessionId: extra.sessionId,
      signal: extra.signal,
      transport,
      log: this.def.logger,
      sendNotification: extra.sendNotification,
      sendRequest: extra.sendRequest,
      closeSSEStream: extra.closeSSEStream,
      clientLog: async (level, data) => {
        const threshold = clientLevel();
        if (threshold && LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(threshold)) return;
        await extra.sendNotification({ method: "notifications/message", params: { level, data, logger: this.def.name } });
      },
      progress: async (done, total, message) => {
        if (progressToken === undefined) return;
        await extra.sendNotification({ method: "notifications/progress", params: { progressToken, progress: done, total, message } });
      },
    };
  }

  /** Runs a handler in a fresh child container holding this request's context, disposed afterwards. */
  private async run(invoke: ToolDefinition["invoke"], args: unknown[], ctx: ToolContext): Promise<unknown> {
    const child: DependencyContainer = this.def.container.createChildContainer();
    child.register(REQUEST_CONTEXT, { useValue: ctx });
    child.register(AUTH_CONTEXT, { useValue: ctx.auth });
    try {
      return await invoke(args, ctx, child);
    } finally {
      await child.dispose();
    }
  }

  /** Resources and prompts have no `isError` result: failures are JSON-RPC errors with the message, no stack. */
  private async runOrFail(invoke: ToolDefinition["invoke"], args: unknown[], ctx: ToolContext): Promise<unknown> {
    try {
      return await this.run(invoke, args, ctx);
    } catch (err) {
      if (err instanceof ForbiddenError) throw forbidden(err);
      if (err instanceof RpcError) throw err;
      if (err instanceof NotFoundError) throw new RpcError(RESOURCE_NOT_FOUND, err.message);
      throw new RpcError(JsonRpcCode.InternalError, err instanceof Error ? err.message : "Handler failed");
    }
  }
}

function forbidden(err: ForbiddenError): RpcError {
  return new RpcError(JsonRpcCode.Forbidden, err.message, { missingRoles: err.missingRoles, missingScopes: err.missingScopes });
}

/** Strategies are user code too: coerce their answer into a well-formed context or refuse it. */
function normalizeAuth(ctx: AuthContext, strategyName: string): AuthContext {
  if (!ctx || typeof ctx !== "object" || typeof ctx.subject !== "string" || ctx.subject.length === 0)
    throw new AuthenticationError("rejected");
  return {
    ...ctx,
    roles: stringList(ctx.roles),
    scopes: stringList(ctx.scopes),
    claims: ctx.claims && typeof ctx.claims === "object" ? ctx.claims : {},
    strategy: typeof ctx.strategy === "string" && ctx.strategy ? ctx.strategy : strategyName,
  };
}

