import { AuthenticationError, ConfigurationError, InvalidRequestError } from "../../errors";
import type { AuthContext, AuthRequest } from "../../contracts/auth-context";
import type { AuthStrategy, ProtectedResourceMetadata } from "../auth-strategy";

/** Optional routing hook of strategies that share a header with others (`JwtStrategy`, `OAuthStrategy`). */
interface RoutableStrategy extends AuthStrategy {
  handles?(req: AuthRequest): boolean;
}

/**
 * Several strategies, one decision: the strategy whose credential the request carries authenticates it.
 *
 * - No credential for any strategy → 401 `missing_credentials`.
 * - Credentials of two different kinds at once (an API key **and** a bearer token) → 400 `invalid_request`
 *   (RFC 6750 §3.1: one method per request), rather than guessing which one the client meant.
 * - A credential that is present but bad is refused by its own strategy; it **never** falls through to
 *   another strategy, so a forged token cannot be "rescued" by a weaker check.
 * - Strategies that read the same header (a `JwtStrategy` for service tokens and an `OAuthStrategy` for user
 *   tokens, both on `Authorization`) form one credential kind; among them the first whose optional
 *   `handles(req)` accepts the token decides (by `alg`/shape, never by trying), else the first of them.
 *
 * The returned context names the strategy that decided (`"api-key"`, `"oauth"`…).
 *
 * @example
 * ```ts
 * @Server({ name: "api", auth: anyOf(new ApiKeyStrategy(), new OAuthStrategy(oauthOptions)) })
 * class Api {}
 * ```
 */
export class CompositeStrategy implements AuthStrategy {
  readonly name = "composite";
  private readonly strategies: readonly RoutableStrategy[];

  constructor(strategies: readonly AuthStrategy[]) {
    if (!Array.isArray(strategies) || strategies.length === 0)
      throw new ConfigurationError("CompositeStrategy needs at least one strategy");
    for (const s of strategies)
      if (!s || typeof s.authenticate !== "function") throw new ConfigurationError("CompositeStrategy: every entry must be an AuthStrategy instance");
    this.strategies = [...strategies];
  }

  hasCredentials(req: AuthRequest): boolean {
    return this.strategies.some((s) => this.present(s, req));
  }

  async authenticate(req: AuthRequest): Promise<AuthContext> {
    const chosen = this.pick(req);
    try {
      return await chosen.authenticate(req);
    } catch (err) {
      // The audit log should name the strategy that refused, not "composite".
      if (err instanceof AuthenticationError && typeof err.details.strategy !== "string") err.details.strategy = chosen.name;
      throw err;
    }
  }

  /** The first child's RFC 9728 metadata, if any child has some. */
  resourceMetadata(): ProtectedResourceMetadata | undefined {
    for (const s of this.strategies) {
      const metadata = s.resourceMetadata?.();
      if (metadata) return metadata;
    }
    return undefined;
  }

  /** Every child's env → header mapping (first child wins on a clash). */
  stdioEnv(): Record<string, string> {
    const merged: Record<string, string> = {};
    for (const s of this.strategies) for (const [env, header] of Object.entries(s.stdioEnv?.() ?? {})) merged[env] ??= header;
    return merged;
  }

  private present(s: AuthStrategy, req: AuthRequest): boolean {
    return s.hasCredentials ? s.hasCredentials(req) : true;
  }

  /** Strategies reading the same headers carry the same kind of credential. */
  private kind(s: AuthStrategy): string {
    const headers = Object.values(s.stdioEnv?.() ?? {}).map((h) => h.toLowerCase()).sort();
    return headers.length > 0 ? headers.join(",") : `strategy:${this.strategies.indexOf(s)}`;
  }

  private pick(req: AuthRequest): AuthStrategy {
    // A strategy without hasCredentials cannot say whether its credential is there: it decides only when no
    // other strategy's credential is present (the first such strategy, as it cannot be told apart from the rest).
    const explicit = this.strategies.filter((s) => s.hasCredentials !== undefined && s.hasCredentials(req));
    const fallback = this.strategies.find((s) => s.hasCredentials === undefined);
    const present = explicit.length > 0 ? explicit : fallback ? [fallback] : [];
    if (present.length === 0) throw new AuthenticationError("missing_credentials");
    const kinds = new Set(present.map((s) => this.kind(s)));
    if (kinds.size > 1) throw new InvalidRequestError("Send one credential per request (for example an API key or a bearer token, not both)");
    return present.find((s) => s.handles?.(req) === true) ?? present[0];
  }
}

/**
 * A {@link CompositeStrategy} over the given strategies: the one whose credential is present decides.
 *
 * @example
 * ```ts
 * const auth = anyOf(new ApiKeyStrategy({ keys: ["ci:sk-…"] }), new JwtStrategy({ secret }))
 * ```
 */
export function anyOf(...strategies: AuthStrategy[]): CompositeStrategy {
  return new CompositeStrategy(strategies);
}
