import type { AuthContext } from "../../contracts/auth-context";

/**
 * The principal a verified claims set makes, built once per cached verification and shared by every request that
 * presents the same token. Building it (a safe deep copy of the claims, the role and scope lists) was a tenth of
 * a cached request's CPU. Shared means frozen, all the way down: no tool can change what the next request sees.
 * Keyed by the cache entry's claims object, so a principal lives exactly as long as its verification is cached.
 * What is built holds no token: the cache stays no credential store, and callers add the token per request.
 */
export class PrincipalMemo {
  private readonly built = new WeakMap<object, AuthContext>();

  of(claims: Record<string, unknown>, build: (claims: Record<string, unknown>) => AuthContext): AuthContext {
    let principal = this.built.get(claims);
    if (principal === undefined) {
      principal = deepFreeze(build(claims));
      this.built.set(claims, principal);
    }
    return principal;
  }
}

/** Freezes plain objects and arrays (the JSON values claims are made of) at every level. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
