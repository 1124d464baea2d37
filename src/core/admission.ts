import type { AuditTrail } from "../auth/audit";
import type { AuthStrategy } from "../auth/auth-strategy";
import type { AuthFailureLimiter } from "../auth/rate-limit";
import { stringList } from "../auth/string-list";
import type { AuthContext, AuthRequest } from "../contracts/auth-context";
import { AuthenticationError, AuthenticationTimeoutError, IdentityProviderUnavailableError, InsufficientScopeError, InvalidRequestError, RateLimitedError } from "../errors";

/**
 * The first two steps of every request: the failed-authentication limiter, then the strategy. `undefined`
 * means anonymous (no strategy, or anonymous access with no credential presented). Every failure is audited and
 * surfaces as a framework error: anything unexpected from a strategy becomes a plain 401, never a pass.
 */
export class Admission {
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
  async admit(req: AuthRequest, options: { limiter?: AuthFailureLimiter; log?: boolean } = {}): Promise<AuthContext | undefined> {
    const { limiter } = options;
    if (limiter && req.ip) await limiter.check(req.ip);
    try {
      return await this.authenticate(req, options);
    } catch (err) {
      const presented = (err instanceof AuthenticationError && err.reason !== "missing_credentials") || err instanceof InvalidRequestError;
      if (presented && limiter && req.ip) await limiter.recordFailure(req.ip);
      throw err;
    }
  }

  /** Audits a request refused before any strategy ran (two credentials, a credential in the query string). */
  refuseShape(req: AuthRequest): void {
    this.audit.emit({ type: "auth.failure", reason: "invalid_request", strategy: this.strategy?.name, ip: req.ip, transport: req.transport });
  }

  /** The strategy's answer, or {@link AuthenticationTimeoutError} after `timeoutMs`; a late answer is dropped. */
  private bounded(pending: Promise<AuthContext>): Promise<AuthContext> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new AuthenticationTimeoutError()), this.timeoutMs);
    });
    return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
  }

  private async authenticate(req: AuthRequest, options: { log?: boolean }): Promise<AuthContext | undefined> {
    const strategy = this.strategy;
    if (!strategy) return undefined;
    if (this.anonymous && strategy.hasCredentials && !strategy.hasCredentials(req)) return undefined;
    try {
      return normalizeAuth(await this.bounded(strategy.authenticate(req)), strategy.name);
    } catch (err) {
      if (err instanceof IdentityProviderUnavailableError || err instanceof AuthenticationTimeoutError) {
        this.audit.emit({ type: "auth.dependency_unavailable", strategy: strategy.name, ip: req.ip, transport: req.transport }, options);
        throw err;
      }
      if (err instanceof InvalidRequestError || err instanceof RateLimitedError || err instanceof InsufficientScopeError) {
        this.audit.emit({ type: "auth.failure", reason: err.code, strategy: strategy.name, ip: req.ip, transport: req.transport }, options);
        throw err;
      }
      const failure = err instanceof AuthenticationError ? err : new AuthenticationError("rejected");
      // A strategy without hasCredentials() can still say "nothing was presented": that is an anonymous caller.
      if (this.anonymous && failure.reason === "missing_credentials" && !strategy.hasCredentials) return undefined;
      this.audit.emit(
        {
          type: "auth.failure",
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
