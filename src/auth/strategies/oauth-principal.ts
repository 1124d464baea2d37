import type { AuthContext } from "../../contracts/auth-context";
import { rolesFrom, safeClaims, scopesFrom } from "../token/claims";

/**
 * The principal an OAuth access token's verified claims make, without the token itself (the strategy adds it
 * per request, so the shared principal holds no credential). `context.user` is the guide's `context.user`.
 */
export function oauthPrincipal(claims: Record<string, unknown>, strategy: string, rolesClaim: string, scopesClaim: string): AuthContext {
  const subject = String(claims.sub);
  const roles = rolesFrom(claims, rolesClaim);
  let scopes = scopesFrom(claims, scopesClaim);
  if (scopes.length === 0 && scopesClaim === "scope") scopes = scopesFrom(claims, "scp");
  const exp = claims.exp;
  return {
    subject,
    roles,
    scopes,
    claims: safeClaims(claims),
    strategy,
    ...(typeof exp === "number" ? { expiresAt: exp } : {}),
    context: { user: { ...safeClaims(claims), id: subject, roles: [...roles], scopes: [...scopes] } },
  };
}
