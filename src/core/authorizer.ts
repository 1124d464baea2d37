import type { AuditFacts, AuditTrail } from "../auth/audit";
import type { Decision, PolicyEngine } from "../auth/policy";
import type { AuthContext, TransportKind } from "../contracts/auth-context";
import type { Requirement } from "../contracts/requirement";
import type { ToolContext } from "../contracts/tool-context";
import { ForbiddenError } from "../errors";
import { auditFactsOf, type Call } from "./call";

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
    this.denied(call.principal, call.connection.transport, kind, target, decision, auditFactsOf(call));
    throw new ForbiddenError(decision.reason, decision.missingRoles, decision.missingScopes);
  }

  /** The input-dependent `@Authorize` policies, after validation. */
  async requirePolicies(call: Call, kind: TargetKind, target: string, requirement: Requirement, ctx: ToolContext, input: unknown): Promise<void> {
    if (!requirement.policies.length) return;
    const decision = await this.engine.checkPolicies(requirement, ctx, input);
    if (decision.allowed) return;
    this.denied(call.principal, call.connection.transport, kind, target, decision, auditFactsOf(call));
    throw new ForbiddenError(decision.reason);
  }

  /** `facts`: the request id and client address, when known. */
  denied(principal: AuthContext | undefined, transport: TransportKind, kind: TargetKind, target: string, d: Decision, facts: AuditFacts = {}): void {
    this.audit.emit({
      type: "authz.denied",
      ...facts,
      subject: principal?.subject,
      ...(principal ? { strategy: principal.strategy, ...(principal.keyId ? { keyId: principal.keyId } : {}) } : {}),
      ...(kind === "tool" ? { tool: target } : {}),
      kind,
      target,
      missingRoles: d.missingRoles,
      missingScopes: d.missingScopes,
      reason: d.reason,
      transport,
    });
  }
}
