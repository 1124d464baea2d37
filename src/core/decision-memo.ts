import type { Decision, PolicyEngine } from "../auth/policy";
import type { AuthContext } from "../contracts/auth-context";
import type { Requirement } from "../contracts/requirement";

/**
 * The static authorization decisions of one request, each made once: the HTTP step-up check, list filtering and
 * the call itself all read the same answer instead of evaluating the rules again.
 */
export class DecisionMemo {
  private readonly made = new Map<Requirement, Decision>();

  constructor(
    private readonly engine: PolicyEngine,
    readonly principal: AuthContext | undefined,
  ) {}

  of(requirement: Requirement): Decision {
    let decision = this.made.get(requirement);
    if (!decision) {
      decision = this.engine.check(requirement, this.principal);
      this.made.set(requirement, decision);
    }
    return decision;
  }
}
