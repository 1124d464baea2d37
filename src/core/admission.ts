import type { AuditFacts, AuditTrail } from "../auth/audit";
import type { AuthStrategy } from "../auth/auth-strategy";
import type { AuthFailureLimiter } from "../auth/rate-limit";
import { stringList } from "../auth/string-list";
import type { AuthContext, AuthRequest } from "../contracts/auth-context";
import { AuthenticationError, AuthenticationTimeoutError, IdentityProviderUnavailableError, InsufficientScopeError, InvalidRequestError, RateLimitedError } from "../errors";

export interface AdmitOptions {
  limiter?: AuthFailureLimiter;
  /** False: audit to the hook only (the caller writes its own line). */
  log?: boolean;
  /** The request id and tool of what is being admitted, for the audit events. */
  facts?: AuditFacts;
}

/**
 * The first two steps of every request: the failed-authentication limiter, then the strategy. `undefined`
 * means anonymous (no strategy, or anonymous access with no credential presented). Every failure is audited and
 * surfaces as a framework error: anything unexpected from a strategy becomes a plain 401, never a pass.
 */
export class Admission {
  private readonly waiting = new Set<{ deadline: number; reject(err: Error): void }>();
  private watchdog?: NodeJS.Timeout;

  constructor(
    private readonly strategy: AuthStrategy | undefined,
    private readonly anonymous: boolean,
    private readonly audit: AuditTrail,
    /** A strategy or hook that has not settled by then answers 503: it must not hold its request (and socket) forever. */
    private readonly timeoutMs = 10_000,
  ) {}

  /** With a strategy and no anonymous access, every request must authenticate. */
  get required(): boolean {
    return !!this.strategy && !this.anonymous;
  }

  /**
   * Authenticates one request. With a `limiter`, a client address over its failure budget is refused first
   * (429), and a presented-but-wrong credential counts against it; a missing one does not, so an OAuth client's
   * credential-less discovery probe never locks it out.
   */
  async admit(req: AuthRequest, options: AdmitOptions = {}): Promise<AuthContext | undefined> {
    const { limiter } = options;
    if (limiter && req.ip) await limiter.check(req.ip, () => ({ ...options.facts, strategy: this.strategy?.name, transport: req.transport }));
    try {
      return await this.authenticate(req, options);
    } catch (err) {
      const presented = (err instanceof AuthenticationError && err.reason !== "missing_credentials") || err instanceof InvalidRequestError;
      if (presented && limiter && req.ip) await limiter.recordFailure(req.ip);
      throw err;
    }
  }

  /** Audits a request refused before any strategy ran (two credentials, a credential in the query string). */
  refuseShape(req: AuthRequest, facts: AuditFacts = {}): void {
    this.audit.emit({ type: "auth.failure", ...facts, reason: "invalid_request", strategy: this.strategy?.name, ip: req.ip, transport: req.transport });
  }

  /**
   * The strategy's answer, or {@link AuthenticationTimeoutError} once `timeoutMs` has passed (checked a few times per
   * timeout, so it fires within 1¼ × `timeoutMs`); a late answer is dropped. One watchdog interval for all requests
   * in place of a timer each: most strategies answer within the same tick, and a timer per request showed in profiles.
   */
  private bounded(pending: Promise<AuthContext>): Promise<AuthContext> {
    return new Promise<AuthContext>((resolve, reject) => {
      const entry = { deadline: Date.now() + this.timeoutMs, reject };
      this.waiting.add(entry);
      this.watch();
      pending.then(
        (value) => {
          this.waiting.delete(entry);
          resolve(value);
        },
        (err: unknown) => {
          this.waiting.delete(entry);
          reject(err);
        },
      );
    });
  }

  private watch(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      const now = Date.now();
      for (const entry of this.waiting) {
        if (entry.deadline > now) continue;
        this.waiting.delete(entry);
        entry.reject(new AuthenticationTimeoutError());
      }
      if (this.waiting.size === 0) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      }
    }, Math.max(5, Math.min(1000, this.timeoutMs / 4)));
    this.watchdog.unref();
  }

  private async authenticate(req: AuthRequest, options: AdmitOptions): Promise<AuthContext | undefined> {
    const strategy = this.strategy;
    if (!strategy) return undefined;
    if (this.anonymous && strategy.hasCredentials && !strategy.hasCredentials(req)) return undefined;
    const facts = options.facts ?? {};
    try {
      const auth = normalizeAuth(await this.bounded(strategy.authenticate(req)), strategy.name);
      if (this.audit.wants("auth.success")) {
        const keyId = auth.keyId ? { keyId: auth.keyId } : {};
        this.audit.emit({ type: "auth.success", ...facts, strategy: auth.strategy, subject: auth.subject, ...keyId, ip: req.ip, transport: req.transport }, options);
      }
      return auth;
    } catch (err) {
      if (err instanceof IdentityProviderUnavailableError || err instanceof AuthenticationTimeoutError) {
        this.audit.emit({ type: "auth.dependency_unavailable", ...facts, strategy: strategy.name, ip: req.ip, transport: req.transport }, options);
        throw err;
      }
      if (err instanceof InvalidRequestError || err instanceof RateLimitedError || err instanceof InsufficientScopeError) {
        this.audit.emit({ type: "auth.failure", ...facts, reason: err.code, strategy: strategy.name, ip: req.ip, transport: req.transport }, options);
        throw err;
      }
      const failure = err instanceof AuthenticationError ? err : new AuthenticationError("rejected");
      // A strategy without hasCredentials() can still say "nothing was presented": that is an anonymous caller.
      if (this.anonymous && failure.reason === "missing_credentials" && !strategy.hasCredentials) return undefined;
      this.audit.emit(
        {
          type: "auth.failure",
          ...facts,
          reason: failure.reason,
          strategy: typeof failure.details.strategy === "string" ? failure.details.strategy : strategy.name,
          ip: req.ip,
          transport: req.transport,
          ...(typeof failure.details.keyId === "string" ? { keyId: failure.details.keyId } : {}),
          ...(typeof failure.details.kid === "string" ? { kid: failure.details.kid } : {}),
        },
        options,
      );
      throw failure;
    }
  }
}

/** Strategies are user code too: coerce their answer into a well-formed context or refuse it. */
function normalizeAuth(ctx: AuthContext, strategyName: string): AuthContext {
  if (!ctx || typeof ctx !== "object" || typeof ctx.subject !== "string" || ctx.subject.length === 0) throw new AuthenticationError("rejected");
  return {
    ...ctx,
    roles: stringList(ctx.roles),
    scopes: stringList(ctx.scopes),
    claims: ctx.claims && typeof ctx.claims === "object" ? ctx.claims : {},
    strategy: typeof ctx.strategy === "string" && ctx.strategy ? ctx.strategy : strategyName,
  };
}
