import { createHash, type webcrypto } from "node:crypto";
import type { JWTPayload, JWTVerifyGetKey, JWTVerifyOptions } from "jose";

/** jose is loaded when an OAuthStrategy first verifies a JWT, not when the package is imported. */
let jose: typeof import("jose") | undefined;
const joseLib = (): typeof import("jose") => (jose ??= require("jose"));
import { inject, injectable, type InjectionToken } from "tsyringe";
import { AuthenticationError, ConfigurationError, IdentityProviderUnavailableError, InsufficientScopeError } from "../../errors";
import type { AuthContext, AuthRequest } from "../../contracts/auth-context";
import type { AuthStrategy, ProtectedResourceMetadata } from "../auth-strategy";
import { AcceptedAudiences, audienceMatches } from "../token/audience";
import { discoverAuthorizationServer } from "../token/authorization-server-metadata";
import { bearerToken, hasAuthorizationHeader } from "../token/bearer-token";
import { BoundedCache } from "../token/bounded-cache";
import { rolesFrom, safeClaims, scopesFrom } from "../token/claims";
import { idpUrl } from "../token/idp-fetch";
import { inspectJws, looksLikeJws } from "../token/jwt-shape";
import { IntrospectionClient } from "../token/token-introspection";
import { asAuthFailure, fromJoseError } from "../token/verify-errors";

/** What a custom `verifyToken` returns for a valid token: the claims or the user (`sub` or `id` is the subject). */
export type OAuthTokenClaims = Record<string, unknown>;

export interface OAuthStrategyOptions {
  /** The authorization server's issuer identifier; tokens' `iss` must equal it. Required unless `verifyToken` is given. */
  issuer?: string;
  /** This server's canonical URI (RFC 8707); tokens' `aud` must name it. A list accepts any of them. */
  audience: string | string[];
  /** JWKS location. Default: discovered once from the issuer's metadata (RFC 8414, then OpenID Connect). */
  jwksUri?: string;
  /** RFC 7662 introspection for opaque tokens (and for every token when neither `jwksUri` is given nor discovery wanted). */
  introspection?: { endpoint: string; clientId: string; clientSecret: string };
  /** Custom check (the guide's `verifyOAuthToken`): claims/user for a valid token, `null` (or a throw) for an invalid one. Decides alone when given. */
  verifyToken?: (token: string) => OAuthTokenClaims | null | undefined | Promise<OAuthTokenClaims | null | undefined>;
  /** Accepted JWT algorithms (asymmetric only). Default `["RS256", "ES256"]`. */
  algorithms?: string[];
  /** Claim path of the roles array. Default `roles`. */
  rolesClaim?: string;
  /** Claim path of the scopes. Default `scope` (space-separated), with an `scp` array accepted as well. */
  scopesClaim?: string;
  /** Longest time a positive introspection result is reused, in seconds (never past the token's `exp`). Default 60. */
  cacheTtl?: number;
  /** How long an inactive/invalid introspection verdict is reused, in seconds. Default 5. Outages are never cached. */
  negativeCacheTtl?: number;
  /** Timeout for every JWKS, metadata and introspection request, in milliseconds. Default 3000. */
  timeoutMs?: number;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 5. */
  clockTolerance?: number;
  /** Minimum interval between two JWKS refetches caused by unknown `kid`s, in seconds. Default 30. */
  jwksCooldown?: number;
  /** Scopes every token must carry; a token lacking one gets 403 `insufficient_scope`. */
  requiredScopes?: string[];
  /** RFC 9728 metadata to serve. `resource` defaults to the (first) audience, `authorizationServers` to `[issuer]`. */
  resourceMetadata?: { resource?: string; authorizationServers?: string[]; scopesSupported?: string[]; resourceName?: string };
  /** Most entries kept in the introspection cache. Default 10 000. */
  cacheMaxEntries?: number;
  /** Clock in epoch milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

const ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];

type CachedVerdict = { ok: true; claims: Record<string, unknown> } | { ok: false; error: AuthenticationError };

const sha256 = (value: string): string => createHash("sha256").update(value, "utf8").digest("base64url");
const own = (obj: Record<string, unknown>, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

function positiveSeconds(value: unknown, fallback: number, option: string, allowZero = true): number {
  const n = value === undefined ? fallback : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
    throw new ConfigurationError(`OAuthStrategy: ${option} must be a ${allowZero ? "non-negative" : "positive"} number`);
  return n;
}

/** Options for `OAuthStrategy` when the container builds it: `container.register(OAUTH_OPTIONS, { useValue: { ... } })`. */
export const OAUTH_OPTIONS: InjectionToken<OAuthStrategyOptions> = Symbol.for("mcpcraft.OAUTH_OPTIONS");

/**
 * OAuth 2.1 resource server for MCP (authorization spec 2025-11-25): bearer access tokens checked as JWTs
 * against the issuer's JWKS (jose; one refetch per cooldown for unknown `kid`s), or by RFC 7662
 * introspection (cached no longer than `exp`), or by a custom `verifyToken`. The token's audience must name
 * this server (RFC 8707). An unreachable, slow or garbage-answering provider gives 503, never access.
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
  private readonly jwksCooldownMs: number;
  private readonly requiredScopes: string[];
  private readonly verifyToken?: OAuthStrategyOptions["verifyToken"];
  private readonly introspection?: IntrospectionClient;
  private readonly jwksEnabled: boolean;
  private readonly metadata?: ProtectedResourceMetadata;
  private readonly now: () => number;
  private readonly cache: BoundedCache<CachedVerdict>;
  private readonly inflight = new Map<string, Promise<Record<string, unknown>>>();
  private jwksUri?: URL;
  private jwks?: JWTVerifyGetKey;
  private discovery?: Promise<JWTVerifyGetKey>;

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

    this.algorithms = options.algorithms ? [...options.algorithms] : ["RS256", "ES256"];
    if (this.algorithms.length === 0) throw new ConfigurationError("OAuthStrategy: algorithms must not be empty");
    for (const alg of this.algorithms) {
      if (typeof alg === "string" && alg.toLowerCase() === "none") throw new ConfigurationError('OAuthStrategy: algorithm "none" is never allowed');
      if (!ASYMMETRIC_ALGORITHMS.includes(alg))
        throw new ConfigurationError(
          `OAuthStrategy: algorithm ${JSON.stringify(alg)} is not allowed; access tokens are verified with public keys (${ASYMMETRIC_ALGORITHMS.join(", ")})`,
        );
    }
    this.rolesClaim = options.rolesClaim ?? "roles";
    this.scopesClaim = options.scopesClaim ?? "scope";
    this.cacheTtl = positiveSeconds(options.cacheTtl, 60, "cacheTtl");
    this.negativeCacheTtl = positiveSeconds(options.negativeCacheTtl, 5, "negativeCacheTtl");
    this.timeoutMs = Math.ceil(positiveSeconds(options.timeoutMs, 3000, "timeoutMs", false));
    this.clockTolerance = positiveSeconds(options.clockTolerance, 5, "clockTolerance");
    if (this.clockTolerance > 300) throw new ConfigurationError("OAuthStrategy: clockTolerance must be at most 300 seconds");
    this.jwksCooldownMs = positiveSeconds(options.jwksCooldown, 30, "jwksCooldown") * 1000;
    this.requiredScopes = options.requiredScopes ? [...options.requiredScopes] : [];
    this.now = options.now ?? Date.now;
    this.cache = new BoundedCache(Math.floor(positiveSeconds(options.cacheMaxEntries, 10_000, "cacheMaxEntries")), this.now);

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
    if (options.jwksUri !== undefined) this.jwksUri = idpUrl(options.jwksUri, "jwksUri");
    // Without a jwksUri but with introspection, every token is introspected; otherwise the JWKS is discovered.
    this.jwksEnabled = this.jwksUri !== undefined || (!this.introspection && this.issuer !== undefined);

    const authorizationServers = options.resourceMetadata?.authorizationServers ?? (this.issuer ? [this.issuer] : []);
    if (authorizationServers.length > 0) {
      const rm = options.resourceMetadata;
      this.metadata = {
        resource: rm?.resource ?? this.audience[0],
        authorization_servers: [...authorizationServers],
        ...(rm?.scopesSupported ? { scopes_supported: [...rm.scopesSupported] } : {}),
        bearer_methods_supported: ["header"],
        ...(rm?.resourceName ? { resource_name: rm.resourceName } : {}),
      };
    }
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
      if (looksLikeJws(token) && this.jwksEnabled) {
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
      else if (this.jwksEnabled && looksLikeJws(token)) claims = await this.viaJwks(token);
      else if (this.introspection) claims = await this.viaIntrospection(token);
      else throw new AuthenticationError("malformed_token");
    } catch (err) {
      throw asAuthFailure(err);
    }
    return this.context(claims, token);
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

  private async viaJwks(token: string): Promise<Record<string, unknown>> {
    inspectJws(token, { algorithms: this.algorithms });
    const getKey = await this.keySet();
    const options: JWTVerifyOptions = {
      algorithms: this.algorithms,
      issuer: this.issuer,
      requiredClaims: ["exp"],
      clockTolerance: this.clockTolerance,
      currentDate: new Date(this.now()),
    };
    let payload: JWTPayload;
    try {
      payload = (await joseLib().jwtVerify(token, getKey, options)).payload;
    } catch (err) {
      payload = await this.tryEachMatchingKey(err, token, options);
    }
    this.checkTimes(payload as Record<string, unknown>, true);
    this.checkIdentity(payload as Record<string, unknown>);
    return payload as Record<string, unknown>;
  }

  /** A kid-less token matching several JWKS keys (mid-rotation): jose hands back the candidates to try in turn. */
  private async tryEachMatchingKey(err: unknown, token: string, options: JWTVerifyOptions): Promise<JWTPayload> {
    const candidates = err as { code?: unknown; [Symbol.asyncIterator]?: () => AsyncIterator<webcrypto.CryptoKey> };
    if (candidates?.code !== "ERR_JWKS_MULTIPLE_MATCHING_KEYS" || typeof candidates[Symbol.asyncIterator] !== "function")
      throw fromJoseError(err);
    let last: unknown = err;
    for await (const key of candidates as AsyncIterable<webcrypto.CryptoKey>) {
      try {
        return (await joseLib().jwtVerify(token, key, options)).payload;
      } catch (next) {
        last = next;
        if ((next as { code?: unknown })?.code !== "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") break;
      }
    }
    throw fromJoseError(last);
  }

  /** The JWKS, created once; discovered from the issuer's metadata on first use when no jwksUri was given. */
  private async keySet(): Promise<JWTVerifyGetKey> {
    if (this.jwks) return this.jwks;
    if (this.jwksUri) return (this.jwks = this.remoteKeySet(this.jwksUri));
    // One discovery at a time; a failed one is forgotten so the next request retries (failures are never cached).
    this.discovery ??= discoverAuthorizationServer(this.issuer!, this.timeoutMs).then(
      (metadata) => {
        if (typeof metadata.jwks_uri !== "string") throw new IdentityProviderUnavailableError();
        this.jwksUri = idpUrl(metadata.jwks_uri, "jwks_uri");
        return (this.jwks = this.remoteKeySet(this.jwksUri));
      },
      (err: unknown) => {
        this.discovery = undefined;
        throw err;
      },
    );
    return this.discovery;
  }

  private remoteKeySet(url: URL): JWTVerifyGetKey {
    const remote = joseLib().createRemoteJWKSet(url, { cooldownDuration: this.jwksCooldownMs, timeoutDuration: this.timeoutMs });
    // jose reports a JWKS that is down (fetch TypeError), non-200 or non-JSON (generic JOSEError) in ways that
    // also occur for bad tokens; here, at key resolution, only "no such key" is about the token.
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (err) {
        const code = (err as { code?: unknown })?.code;
        if (code === "ERR_JWKS_NO_MATCHING_KEY") throw new AuthenticationError("unknown_key");
        if (code === "ERR_JWKS_MULTIPLE_MATCHING_KEYS") throw err;
        if (code === "ERR_JOSE_NOT_SUPPORTED") throw new AuthenticationError("unsupported_algorithm");
        throw new IdentityProviderUnavailableError();
      }
    };
  }

  private async viaIntrospection(token: string): Promise<Record<string, unknown>> {
    const key = sha256(token);
    const cached = this.cache.get(key);
    if (cached) {
      if (cached.ok) return cached.claims;
      throw new AuthenticationError(cached.error.reason);
    }
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.introspect(key, token).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async introspect(key: string, token: string): Promise<Record<string, unknown>> {
    try {
      const claims = safeClaims(await this.introspection!.introspect(token));
      this.checkTimes(claims, false);
      this.checkIdentity(claims);
      const nowMs = this.now();
      const exp = typeof claims.exp === "number" ? claims.exp * 1000 : Infinity;
      // Never reuse a positive answer past the token's own expiry (DESIGN §5: caches never outlive exp).
      this.cache.set(key, { ok: true, claims }, Math.min(nowMs + this.cacheTtl * 1000, exp));
      return claims;
    } catch (err) {
      if (err instanceof AuthenticationError) this.cache.set(key, { ok: false, error: err }, this.now() + this.negativeCacheTtl * 1000);
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
    const safe = safeClaims(claims);
    const subject = String(claims.sub);
    const roles = rolesFrom(claims, this.rolesClaim);
    let scopes = scopesFrom(claims, this.scopesClaim);
    if (scopes.length === 0 && this.scopesClaim === "scope") scopes = scopesFrom(claims, "scp");
    const missing = this.requiredScopes.filter((s) => !scopes.includes(s));
    if (missing.length > 0) throw new InsufficientScopeError([...this.requiredScopes], missing);
    const exp = claims.exp;
    return {
      subject,
      roles,
      scopes,
      claims: safe,
      strategy: this.name,
      ...(typeof exp === "number" ? { expiresAt: exp } : {}),
      token,
      context: { user: { ...safeClaims(claims), id: subject, roles: [...roles], scopes: [...scopes], token } },
    };
  }
}
