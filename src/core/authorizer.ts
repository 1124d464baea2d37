import type { AuditTrail } from "../auth/audit";
import type { Decision, PolicyEngine } from "../auth/policy";
import type { AuthContext, TransportKind } from "../contracts/auth-context";
import type { Requirement } from "../contracts/requirement";
import type { ToolContext } from "../contracts/tool-context";
import { ForbiddenError } from "../errors";
import type { Call } from "./call";

export type TargetKind = "tool" | "resource" | "prompt";

/** Turns decisions into refusals: audits each denial once and throws the framework's `ForbiddenError`. */
export class Authorizer {
  constructor(
    readonly engine: PolicyEngine,
    private readonly audit: AuditTrail,
    private readonly hideUnauthorized: boolean,
  ) {}

  /** Whether a list shows the member to this caller (everything, when hiding is off). */
  visible(call: Call, requirement: Requirement): boolean {
    return !this.hideUnauthorized || call.decisions.of(requirement).allowed;
  }

  /** Roles, scopes and authentication: the static rules, decided once per request. */
  require(call: Call, kind: TargetKind, target: string, requirement: Requirement): void {
    const decision = call.decisions.of(requirement);
    if (decision.allowed) return;
    this.denied(call.principal, call.connection.transport, kind, target, decision);
    throw new ForbiddenError(decision.reason, decision.missingRoles, decision.missingScopes);
  }

  /** The input-dependent `@Authorize` policies, after validation. */
  async requirePolicies(call: Call, kind: TargetKind, target: string, requirement: Requirement, ctx: ToolContext, input: unknown): Promise<void> {
    if (!requirement.policies.length) return;
    const decision = await this.engine.checkPolicies(requirement, ctx, input);
    if (decision.allowed) return;
    this.denied(call.principal, call.connection.transport, kind, target, decision);
    throw new ForbiddenError(decision.reason);
  }

  denied(principal: AuthContext | undefined, transport: TransportKind, kind: TargetKind, target: string, d: Decision): void {
    this.audit.emit({
      type: "authz.denied",
      subject: principal?.subject,
      kind,
      target,
      missingRoles: d.missingRoles,
      missingScopes: d.missingScopes,
      reason: d.reason,
      transport,
    });
  }
}
