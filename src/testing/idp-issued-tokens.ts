import { createHash } from "node:crypto";

const digest = (token: string): string => createHash("sha256").update(token).digest("hex");

/** What the test provider issued, by token digest: the claims `/introspect` answers with, and revocations. */
export class IssuedTokens {
  private readonly issued = new Map<string, Record<string, unknown>>();
  private readonly revoked = new Set<string>();

  record(token: string, claims: Record<string, unknown>): void {
    this.issued.set(digest(token), claims);
  }

  revoke(token: string): void {
    this.revoked.add(digest(token));
  }

  /** RFC 7662 §2.2: unknown, revoked and expired tokens are all just `active: false`. */
  introspect(token: string, clientId: string): Record<string, unknown> {
    const key = digest(token);
    const claims = this.issued.get(key);
    if (!claims || this.revoked.has(key)) return { active: false };
    if (typeof claims.exp === "number" && claims.exp <= Date.now() / 1000) return { active: false };
    return { ...claims, active: true, client_id: claims.client_id ?? clientId, token_type: "Bearer" };
  }
}
