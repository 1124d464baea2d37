import { inject, injectable, type InjectionToken } from "tsyringe";
import { AuthenticationError, ConfigurationError, IdentityProviderUnavailableError, InsufficientScopeError } from "../../errors";
import type { AuthContext, AuthRequest } from "../../contracts/auth-context";
import type { AuthStrategy, ProtectedResourceMetadata } from "../auth-strategy";
import { AcceptedAudiences, audienceMatches } from "../token/audience";
import { bearerToken, hasAuthorizationHeader } from "../token/bearer-token";
import { BoundedCache, type CacheStats } from "../token/bounded-cache";
import { safeClaims } from "../token/claims";
import { PrincipalMemo } from "../token/principal-memo";
import { oauthPrincipal } from "./oauth-principal";
import { idpUrl } from "../token/idp-fetch";
import { JwksVerifier } from "../token/jwks-verifier";
import { inspectJws, looksLikeJws } from "../token/jwt-shape";
import { IntrospectionClient } from "../token/token-introspection";
import { tokenDigest, verifiedUntil } from "../token/verified-cache";
import { asAuthFailure } from "../token/verify-errors";
import { oauthAlgorithms, optionSeconds, protectedResourceMetadata, verifiedCacheSize, type OAuthStrategyOptions } from "./oauth.options";

export type { OAuthStrategyOptions, OAuthTokenClaims } from "./oauth.options";

/** A verified token's claims (with the JWKS version that verified a JWT), or a brief negative introspection answer. */
type CachedVerdict = { ok: true; claims: Record<string, unknown>; keySet?: number } | { ok: false; error: AuthenticationError };

const own = (obj: Record<string, unknown>, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/** Options for `OAuthStrategy` when the container builds it: `container.register(OAUTH_OPTIONS, { useValue: { ... } })`. */
export const OAUTH_OPTIONS: InjectionToken<OAuthStrategyOptions> = Symbol.for("mcpcraft.OAUTH_OPTIONS");

/**
 * OAuth 2.1 resource server for MCP (authorization spec 2025-11-25): bearer access tokens checked as JWTs
 * against the issuer's JWKS (jose; one refetch per cooldown for unknown `kid`s), or by RFC 7662
 * introspection, or by a custom `verifyToken`. The token's audience must name this server (RFC 8707). A
 * verified token is reused until its `exp` (an introspection answer for at most `cacheTtl`; see
 * `verifiedCache`). An unreachable, slow or garbage-answering provider gives 503, never access.
 * The tool context gets `user = { id, ...claims, roles, scopes, token }`, so `context.user.token` works.
 *
 * @example
 * ```ts
 * container.register(OAUTH_OPTIONS, { useValue: {
 *   issuer: "https://auth.example.com",
 *   audience: "https://mcp.example.com/mcp",
 *   rolesClaim: "realm_access.roles",
 * } })
 * @Server({ name: "admin-server", auth: OAuthStrategy })
 * class AdminServer {}
 * ```
 */
@injectable()
export class OAuthStrategy implements AuthStrategy {
  readonly name = "oauth";
  private readonly issuer?: string;
  private readonly audience: string[];
  private readonly acceptedAudiences: AcceptedAudiences;
  private readonly algorithms: string[];
  private readonly rolesClaim: string;
  private readonly scopesClaim: string;
  private readonly cacheTtl: number;
  private readonly negativeCacheTtl: number;
  private readonly timeoutMs: number;
  private readonly clockTolerance: number;
  private readonly requiredScopes: string[];
  private readonly verifyToken?: OAuthStrategyOptions["verifyToken"];
  private readonly introspection?: IntrospectionClient;
  private readonly jwks?: JwksVerifier;
  private readonly metadata?: ProtectedResourceMetadata;
  private readonly now: () => number;
  private readonly cache: BoundedCache<CachedVerdict>;
  private readonly principals = new PrincipalMemo();
  private readonly inflight = new Map<string, Promise<Record<string, unknown>>>();

  constructor(@inject(OAUTH_OPTIONS, { isOptional: true }) options?: OAuthStrategyOptions) {
    if (!options)
      throw new ConfigurationError(
        "OAuthStrategy needs options: register OAUTH_OPTIONS with { issuer, audience } or pass them to the constructor",
      );
    this.audience = [options.audience].flat();
    this.acceptedAudiences = new AcceptedAudiences(this.audience.filter((a) => typeof a === "string"));
    if (this.audience.length === 0 || this.audience.some((a) => typeof a !== "string" || a === ""))
      throw new ConfigurationError("OAuthStrategy: audience (this server's canonical URI, RFC 8707) is required");
    this.verifyToken = options.verifyToken;
    if (this.verifyToken !== undefined && typeof this.verifyToken !== "function")
      throw new ConfigurationError("OAuthStrategy: verifyToken must be a function");
    if (options.issuer !== undefined) idpUrl(options.issuer, "issuer");
    else if (!this.verifyToken) throw new ConfigurationError("OAuthStrategy: issuer is required (unless verifyToken is given)");
    this.issuer = options.issuer;

    this.algorithms = oauthAlgorithms(options.algorithms);
    this.rolesClaim = options.rolesClaim ?? "roles";
    this.scopesClaim = options.scopesClaim ?? "scope";
    this.cacheTtl = optionSeconds(options.cacheTtl, 30, "cacheTtl");
    this.negativeCacheTtl = optionSeconds(options.negativeCacheTtl, 5, "negativeCacheTtl");
    this.timeoutMs = Math.ceil(optionSeconds(options.timeoutMs, 3000, "timeoutMs", false));
    this.clockTolerance = optionSeconds(options.clockTolerance, 5, "clockTolerance");
    if (this.clockTolerance > 300) throw new ConfigurationError("OAuthStrategy: clockTolerance must be at most 300 seconds");
    const jwksCooldown = optionSeconds(options.jwksCooldown, 30, "jwksCooldown");
    this.requiredScopes = options.requiredScopes ? [...options.requiredScopes] : [];
    this.now = options.now ?? Date.now;
    this.cache = new BoundedCache(verifiedCacheSize(options), this.now);

    if (options.introspection) {
      const { endpoint, clientId, clientSecret } = options.introspection;
      if (typeof clientId !== "string" || clientId === "" || typeof clientSecret !== "string" || clientSecret === "")
        throw new ConfigurationError("OAuthStrategy: introspection needs clientId and clientSecret");
      this.introspection = new IntrospectionClient({
        endpoint: idpUrl(endpoint, "introspection.endpoint"),
        clientId,
        clientSecret,
        timeoutMs: this.timeoutMs,
      });
    }
    const jwksUri = options.jwksUri !== undefined ? idpUrl(options.jwksUri, "jwksUri") : undefined;
    // Without a jwksUri but with introspection, every token is introspected; otherwise the JWKS is discovered.
    if (jwksUri !== undefined || (!this.introspection && this.issuer !== undefined))
      this.jwks = new JwksVerifier({
        issuer: this.issuer,
        jwksUri,
        algorithms: this.algorithms,
        timeoutMs: this.timeoutMs,
        cooldownMs: jwksCooldown * 1000,
        clockTolerance: this.clockTolerance,
        now: this.now,
      });

    this.metadata = protectedResourceMetadata(options, this.audience[0]);
  }

  /** An `Authorization` header is present (the scheme is checked by `authenticate`). */
  hasCredentials(req: AuthRequest): boolean {
    return hasAuthorizationHeader(req);
  }

  /**
   * Used by `anyOf` when several strategies read the same `Authorization` header: this one claims JWTs whose
   * `alg` it accepts, and opaque tokens when it can introspect them. Routing only; nothing is trusted.
   */
  handles(req: AuthRequest): boolean {
    try {
      const token = bearerToken(req);
      if (this.verifyToken) return true;
      if (looksLikeJws(token) && this.jwks) {
        inspectJws(token, { algorithms: this.algorithms });
        return true;
      }
      return this.introspection !== undefined;
    } catch {
      return false;
    }
  }

  /** RFC 9728 protected resource metadata for this server. */
  resourceMetadata(): ProtectedResourceMetadata | undefined {
    return this.metadata ? structuredClone(this.metadata) : undefined;
  }

  /** On stdio, `MCP_AUTH_TOKEN` is read into `authorization`; the stdio layer prefixes the value with `Bearer `. */
  stdioEnv(): Record<string, string> {
    return { MCP_AUTH_TOKEN: "authorization" };
  }

  async authenticate(req: AuthRequest): Promise<AuthContext> {
    let token: string;
    let claims: Record<string, unknown>;
    try {
      token = bearerToken(req);
      if (this.verifyToken) claims = await this.viaHook(token);
      else {
        const digest = tokenDigest(token);
        claims = this.fromCache(digest) ?? (await this.verifyFully(token, digest));
      }
    } catch (err) {
      throw asAuthFailure(err);
    }
    return this.context(claims, token);
  }

  /** Size, bound and hit counts of the verified-token cache (see `verifiedCache`). */
  cacheStats(): CacheStats {
    return this.cache.stats();
  }

  private fromCache(digest: string): Record<string, unknown> | undefined {
    // A JWT entry stands only while the key set that verified it is still the one in use.
    const entry = this.cache.get(digest, (v) => !v.ok || v.keySet === undefined || v.keySet === this.jwks?.keySetVersion);
    if (entry && !entry.ok) throw new AuthenticationError(entry.error.reason);
    return entry?.claims;
  }

  private verifyFully(token: string, digest: string): Promise<Record<string, unknown>> {
    if (this.jwks && looksLikeJws(token)) return this.viaJwks(this.jwks, token, digest);
    if (this.introspection) return this.viaIntrospection(token, digest);
    throw new AuthenticationError("malformed_token");
  }

  private async viaHook(token: string): Promise<Record<string, unknown>> {
    let result: unknown;
    try {
      result = await this.verifyToken!(token);
    } catch (err) {
      // The hook may say why (our own errors); anything else it throws only means "not valid".
      if (err instanceof AuthenticationError || err instanceof IdentityProviderUnavailableError) throw err;
      throw new AuthenticationError("invalid_credentials");
    }
    if (result === null || typeof result !== "object" || Array.isArray(result)) throw new AuthenticationError("invalid_credentials");
    const claims = result as Record<string, unknown>;
    const subject = own(claims, "sub") ? claims.sub : own(claims, "id") ? claims.id : undefined;
    if ((typeof subject !== "string" || subject === "") && typeof subject !== "number")
      throw new AuthenticationError("invalid_credentials");
    // A custom verifier may vouch for a token without `aud`; one that names another resource is still refused (RFC 8707).
    if (own(claims, "aud") && !audienceMatches(claims.aud, this.acceptedAudiences)) throw new AuthenticationError("wrong_audience");
    if (own(claims, "exp")) {
      if (typeof claims.exp !== "number" || !Number.isFinite(claims.exp)) throw new AuthenticationError("malformed_token");
      if (claims.exp <= this.now() / 1000 - this.clockTolerance) throw new AuthenticationError("expired");
    }
    return { ...claims, sub: String(subject) };
  }

  private async viaJwks(jwks: JwksVerifier, token: string, digest: string): Promise<Record<string, unknown>> {
    const keySet = jwks.keySetVersion;
    const claims = await jwks.verify(token);
    this.checkTimes(claims, true);
    this.checkIdentity(claims);
    // A key set replaced while this token was being verified may no longer hold its key: keep nothing then.
    const until = keySet === jwks.keySetVersion ? verifiedUntil(claims, this.now()) : undefined;
    if (until !== undefined) this.cache.set(digest, { ok: true, claims, keySet }, until);
    return claims;
  }

  private viaIntrospection(token: string, digest: string): Promise<Record<string, unknown>> {
    let pending = this.inflight.get(digest);
    if (!pending) {
      pending = this.introspect(token, digest).finally(() => this.inflight.delete(digest));
      this.inflight.set(digest, pending);
    }
    return pending;
  }

  private async introspect(token: string, digest: string): Promise<Record<string, unknown>> {
    try {
      const claims = safeClaims(await this.introspection!.introspect(token));
      this.checkTimes(claims, false);
      this.checkIdentity(claims);
      // At most cacheTtl, the documented revocation window, and never past the token's own exp (DESIGN §5).
      const until = verifiedUntil(claims, this.now(), this.cacheTtl * 1000);
      if (until !== undefined) this.cache.set(digest, { ok: true, claims }, until);
      return claims;
    } catch (err) {
      // A refusal is kept briefly (see negativeCacheTtl); an outage (IdentityProviderUnavailableError) never is.
      if (err instanceof AuthenticationError) this.cache.set(digest, { ok: false, error: err }, this.now() + this.negativeCacheTtl * 1000);
      throw err;
    }
  }

  /** exp/nbf/iat checks jose and introspection leave to us: a future `iat`, and introspection answers in general. */
  private checkTimes(claims: Record<string, unknown>, verifiedByJose: boolean): void {
    const now = this.now() / 1000;
    const time = (name: string): number | undefined => {
      if (!own(claims, name)) return undefined;
      const value = claims[name];
      if (typeof value !== "number" || !Number.isFinite(value)) throw new AuthenticationError("malformed_token");
      return value;
    };
    const exp = time("exp");
    const nbf = time("nbf");
    const iat = time("iat");
    if (verifiedByJose && exp === undefined) throw new AuthenticationError("missing_exp");
    if (exp !== undefined && exp <= now - this.clockTolerance) throw new AuthenticationError("expired");
    if (nbf !== undefined && nbf > now + this.clockTolerance) throw new AuthenticationError("not_yet_valid");
    if (iat !== undefined && iat > now + this.clockTolerance) throw new AuthenticationError("issued_in_future");
  }

  private checkIdentity(claims: Record<string, unknown>): void {
    if (this.issuer !== undefined && own(claims, "iss") && claims.iss !== this.issuer) throw new AuthenticationError("wrong_issuer");
    if (!audienceMatches(own(claims, "aud") ? claims.aud : undefined, this.acceptedAudiences)) throw new AuthenticationError("wrong_audience");
    if (!own(claims, "sub") || typeof claims.sub !== "string" || claims.sub === "") throw new AuthenticationError("invalid_credentials");
  }

  private context(claims: Record<string, unknown>, token: string): AuthContext {
    const principal = this.principals.of(claims, (c) => oauthPrincipal(c, this.name, this.rolesClaim, this.scopesClaim));
    const missing = this.requiredScopes.filter((s) => !principal.scopes.includes(s));
    if (missing.length > 0) throw new InsufficientScopeError([...this.requiredScopes], missing);
    // The guide's `context.user.token`: added per request, as the token itself, so the shared principal holds none.
    return { ...principal, token, context: { user: { ...(principal.context!.user as Record<string, unknown>), token } } };
  }

}
