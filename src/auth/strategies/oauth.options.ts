// The shape of OAuthStrategy's options and the start-up checks on them; the strategy itself is oauth.strategy.ts.
import { ConfigurationError } from "../../errors";
import type { ProtectedResourceMetadata } from "../auth-strategy";
import { verifiedCacheEntries, type VerifiedCacheOption } from "../token/verified-cache";

/** What a custom `verifyToken` returns for a valid token: the claims or the user (`sub` or `id` is the subject). */
export type OAuthTokenClaims = Record<string, unknown>;

/** Options of {@link OAuthStrategy}: the constructor argument, or `OAUTH_OPTIONS` in the container. */
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
  /**
   * Longest time a positive introspection answer is reused, in seconds, and never past the token's `exp`.
   * This is the window in which a token revoked at the provider still works here. `0` asks on every request.
   * Default 30.
   *
   * @example
   * ```ts
   * new OAuthStrategy({ issuer, audience, introspection: { endpoint, clientId, clientSecret }, cacheTtl: 10 })
   * ```
   */
  cacheTtl?: number;
  /**
   * How long an inactive or refused introspection answer is reused, in seconds. Default 5: a revoked token
   * replayed by many clients then costs the provider one request per 5 s instead of one per request, while
   * the rate limiter still counts each refusal. Outages are never cached.
   */
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
  /**
   * Reuse of verified tokens, JWTs checked against the JWKS and introspection answers alike. A JWT seen
   * before is answered from memory until its `exp`, never past it, and is verified again as soon as a new key
   * set has been fetched (a rotation) — so an entry for a retired key lasts until this process next fetches
   * the JWKS, at the latest until `exp`. Introspection answers are also bounded by `cacheTtl`. Failures are
   * never kept, except briefly the introspection ones (`negativeCacheTtl`). `{ maxEntries }` bounds it
   * (default 10 000, least recently used first out); `false` verifies every request in full.
   *
   * @example
   * ```ts
   * new OAuthStrategy({ issuer, audience, verifiedCache: { maxEntries: 50_000 } })
   * ```
   */
  verifiedCache?: VerifiedCacheOption;
  /** Older spelling of `verifiedCache: { maxEntries }`, still honoured; give one of the two. */
  cacheMaxEntries?: number;
  /** Clock in epoch milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

const ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];

/** The accepted algorithms: public-key ones only, so a JWKS key can never double as an HMAC secret. */
export function oauthAlgorithms(algorithms: string[] | undefined): string[] {
  const list = algorithms ? [...algorithms] : ["RS256", "ES256"];
  if (list.length === 0) throw new ConfigurationError("OAuthStrategy: algorithms must not be empty");
  for (const alg of list) {
    if (typeof alg === "string" && alg.toLowerCase() === "none") throw new ConfigurationError('OAuthStrategy: algorithm "none" is never allowed');
    if (!ASYMMETRIC_ALGORITHMS.includes(alg))
      throw new ConfigurationError(
        `OAuthStrategy: algorithm ${JSON.stringify(alg)} is not allowed; access tokens are verified with public keys (${ASYMMETRIC_ALGORITHMS.join(", ")})`,
      );
  }
  return list;
}

/** A duration or count option: a finite number, non-negative (or positive), else a start-up error naming it. */
export function optionSeconds(value: unknown, fallback: number, option: string, allowZero = true): number {
  const n = value === undefined ? fallback : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
    throw new ConfigurationError(`OAuthStrategy: ${option} must be a ${allowZero ? "non-negative" : "positive"} number`);
  return n;
}

/** The one size bound of the verified-token cache, from `verifiedCache` or its older spelling `cacheMaxEntries`. */
export function verifiedCacheSize(options: OAuthStrategyOptions): number {
  if (options.cacheMaxEntries === undefined) return verifiedCacheEntries(options.verifiedCache, "OAuthStrategy");
  if (options.verifiedCache !== undefined)
    throw new ConfigurationError("OAuthStrategy: give verifiedCache or cacheMaxEntries (its older spelling), not both");
  return verifiedCacheEntries({ maxEntries: options.cacheMaxEntries }, "OAuthStrategy", "cacheMaxEntries");
}

/** The RFC 9728 metadata to serve, or none when no authorization server is known (no issuer, none listed). */
export function protectedResourceMetadata(options: OAuthStrategyOptions, resource: string): ProtectedResourceMetadata | undefined {
  const rm = options.resourceMetadata;
  const authorizationServers = rm?.authorizationServers ?? (options.issuer ? [options.issuer] : []);
  if (authorizationServers.length === 0) return undefined;
  return {
    resource: rm?.resource ?? resource,
    authorization_servers: [...authorizationServers],
    ...(rm?.scopesSupported ? { scopes_supported: [...rm.scopesSupported] } : {}),
    bearer_methods_supported: ["header"],
    ...(rm?.resourceName ? { resource_name: rm.resourceName } : {}),
  };
}
