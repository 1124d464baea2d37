import { hash } from "node:crypto";
import { ConfigurationError } from "../../errors";

/**
 * The verified-token cache of `JwtStrategy` and `OAuthStrategy`: `{ maxEntries }` bounds it (least recently
 * used entries go first; default 10 000), `false` turns it off so every request takes the full verification.
 * Only successful verifications are kept, under the SHA-256 of the token, and never past the token's `exp`.
 *
 * @example
 * ```ts
 * new JwtStrategy({ secret, verifiedCache: { maxEntries: 50_000 } })
 * new OAuthStrategy({ issuer, audience, verifiedCache: false })
 * ```
 */
export type VerifiedCacheOption = { maxEntries?: number } | false;

export const DEFAULT_VERIFIED_CACHE_ENTRIES = 10_000;

/**
 * The size bound an option asks for, 0 meaning "off". Refuses anything else at start-up; `countName` is
 * how the error names the count (an older option may spell it differently).
 */
export function verifiedCacheEntries(option: unknown, where: string, countName = "verifiedCache.maxEntries"): number {
  if (option === undefined) return DEFAULT_VERIFIED_CACHE_ENTRIES;
  if (option === false) return 0;
  if (option === null || typeof option !== "object" || Array.isArray(option))
    throw new ConfigurationError(`${where}: verifiedCache must be { maxEntries } or false`);
  const max: unknown = (option as { maxEntries?: unknown }).maxEntries;
  if (max === undefined) return DEFAULT_VERIFIED_CACHE_ENTRIES;
  if (typeof max !== "number" || !Number.isFinite(max) || max < 0)
    throw new ConfigurationError(`${where}: ${countName} must be a non-negative number (0 turns the cache off)`);
  return Math.floor(max);
}

/**
 * The cache key of a token. A digest rather than the token, so the cache's keys are no credential store:
 * a heap snapshot or a debugging dump of the cache shows no usable token.
 */
export function tokenDigest(token: string): string {
  // One-shot crypto.hash: a third of createHash().update().digest() on a token-sized input.
  return hash("sha256", token, "base64url");
}

const own = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);
const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/**
 * Until when (epoch ms) a verified token's result may be reused: its `exp`, or `maxAgeMs` from now if that
 * comes first; `undefined` when it must not be kept at all.
 *
 * Not `exp` plus the clock tolerance: after `exp` the full path runs again on every request, so the cache
 * can never serve a token the full path would refuse. A token with an `nbf` still ahead is accepted only
 * through the tolerance and is not kept, and neither is one with neither `exp` nor a finite `maxAgeMs`.
 *
 * @example
 * ```ts
 * verifiedUntil({ exp: 1_700_000_060 }, 1_700_000_000_000)          // → 1_700_000_060_000
 * verifiedUntil({ exp: 1_700_000_060 }, 1_700_000_000_000, 30_000)  // → 1_700_000_030_000
 * verifiedUntil({ exp: 1_700_000_060, nbf: 1_700_000_002 }, 1_700_000_000_000) // → undefined
 * ```
 */
export function verifiedUntil(claims: Record<string, unknown>, nowMs: number, maxAgeMs = Infinity): number | undefined {
  if (own(claims, "nbf") && !(finite(claims.nbf) && claims.nbf * 1000 <= nowMs)) return undefined;
  const hasExp = own(claims, "exp");
  if (hasExp && !finite(claims.exp)) return undefined;
  const until = Math.min(hasExp ? (claims.exp as number) * 1000 : Infinity, nowMs + maxAgeMs);
  return Number.isFinite(until) && until > nowMs ? until : undefined;
}
