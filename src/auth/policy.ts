import type { AuthContext } from "../contracts/auth-context";
import type { Requirement } from "../contracts/requirement";
import type { ToolContext } from "../contracts/tool-context";

export interface Decision {
  allowed: boolean;
  missingRoles: string[][];
  missingScopes: string[];
  /** Human-readable, names what is missing; becomes `Forbidden: <reason>`. */
  reason: string;
}

export interface PolicyEngineOptions {
  /** The server authenticates callers at all. */
  authEnabled: boolean;
  /** A policy taking longer than this denies. */
  policyTimeoutMs: number;
}

const ALLOW: Decision = { allowed: true, missingRoles: [], missingScopes: [], reason: "" };

function deny(reason: string, missingRoles: string[][] = [], missingScopes: string[] = []): Decision {
  return { allowed: false, missingRoles, missingScopes, reason };
}

function describeMissing(missingRoles: string[][], missingScopes: string[]): string {
  const parts: string[] = [];
  for (const g of missingRoles) parts.push(g.length === 1 ? `requires role ${g[0]}` : `requires one of roles ${g.join(", ")}`);
  if (missingScopes.length) parts.push(`missing scope${missingScopes.length > 1 ? "s" : ""} ${missingScopes.join(" ")}`);
  return parts.join("; ");
}

/**
 * The one authorization decision, fed by decorator metadata. Pure: no I/O. `check` is what `*\/list` uses
 * (roles, scopes, authentication); `checkCall` adds the input-dependent policies for calls.
 */
export class PolicyEngine {
  constructor(private readonly options: PolicyEngineOptions) {}

  check(req: Requirement, auth: AuthContext | undefined): Decision {
    if (!auth) {
      if (!this.options.authEnabled || req.public) return ALLOW;
      return deny("authentication required");
    }
    const missingRoles = req.roleGroups.filter((group) => !group.some((r) => auth.roles.includes(r)));
    const missingScopes = req.scopes.filter((s) => !auth.scopes.includes(s));
    if (missingRoles.length || missingScopes.length) return deny(describeMissing(missingRoles, missingScopes), missingRoles, missingScopes);
    return ALLOW;
  }

  /** `check` and then the input-dependent policies: the whole decision for a call. */
  async checkCall(req: Requirement, ctx: ToolContext, input: unknown): Promise<Decision> {
    const first = this.check(req, ctx.auth);
    if (!first.allowed) return first;
    return this.checkPolicies(req, ctx, input);
  }

  /** Only the input-dependent policies, for a caller whose static rules were already decided. */
  async checkPolicies(req: Requirement, ctx: ToolContext, input: unknown): Promise<Decision> {
    for (const policy of req.policies) {
      let verdict: unknown;
      try {
        verdict = await this.withTimeout(policy(ctx, input));
      } catch (err) {
        ctx.log.error({ event: "authz.policy_error", error: (err as Error)?.message ?? String(err) }, "authorization policy threw; denying");
        return deny("policy denied the request");
      }
      // Only a literal `true` allows: a policy returning a truthy object by mistake must not open the door.
      if (verdict !== true) return deny(verdict === "timeout" ? "policy timed out" : "policy denied the request");
    }
    return ALLOW;
  }

  private withTimeout(value: boolean | PromiseLike<boolean>): Promise<boolean | "timeout"> {
    // Any thenable, not only a native Promise: a query builder or a foreign promise library must be bounded too.
    const then = value !== null && (typeof value === "object" || typeof value === "function") ? (value as PromiseLike<boolean>).then : undefined;
    if (typeof then !== "function") return Promise.resolve(value as boolean);
    let timer: NodeJS.Timeout;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.options.policyTimeoutMs);
    });
    return Promise.race([Promise.resolve(value), timeout]).finally(() => clearTimeout(timer));
  }
}

export function mergeRequirements(...parts: Requirement[]): Requirement {
  return {
    roleGroups: parts.flatMap((p) => p.roleGroups),
    scopes: [...new Set(parts.flatMap((p) => p.scopes))],
    policies: parts.flatMap((p) => p.policies),
    public: parts.some((p) => p.public),
  };
}
