import assert from "node:assert/strict";
import { PolicyEngine, mergeRequirements } from "../../../src/auth/policy";
import { type Requirement } from "../../../src/contracts/requirement";
import type { AuthContext } from "../../../src/contracts/auth-context";
import type { ToolContext } from "../../../src/contracts/tool-context";
import { silentLogger } from "../../../src/logger";

const req = (r: Partial<Requirement>): Requirement => ({ roleGroups: [], scopes: [], policies: [], public: false, ...r });
const who = (roles: string[] = [], scopes: string[] = []): AuthContext => ({ subject: "u", roles, scopes, claims: {}, strategy: "t" });
const ctxFor = (auth: AuthContext | undefined): ToolContext =>
  ({ auth, requestId: 1, signal: new AbortController().signal, transport: "memory", log: silentLogger, progress: async () => {} }) as unknown as ToolContext;

describe("PolicyEngine", () => {
  const engine = new PolicyEngine({ authEnabled: true, policyTimeoutMs: 50 });

  it("roles within one group are any-of; groups are all-of", () => {
    const r = req({ roleGroups: [["admin", "owner"], ["verified"]] });
    assert.equal(engine.check(r, who(["owner", "verified"])).allowed, true);
    const d = engine.check(r, who(["owner"]));
    assert.equal(d.allowed, false);
    assert.deepEqual(d.missingRoles, [["verified"]]);
    assert.match(d.reason, /requires role verified/);
  });

  it("scopes are all-of and the decision names every missing one", () => {
    const d = engine.check(req({ scopes: ["repo:read", "repo:write"] }), who([], ["repo:read"]));
    assert.equal(d.allowed, false);
    assert.deepEqual(d.missingScopes, ["repo:write"]);
    assert.match(d.reason, /missing scope repo:write/);
  });

  it("anonymous callers get only public members when auth is on, everything when it is off", () => {
    assert.equal(engine.check(req({}), undefined).allowed, false);
    assert.equal(engine.check(req({ public: true }), undefined).allowed, true);
    assert.equal(new PolicyEngine({ authEnabled: false, policyTimeoutMs: 50 }).check(req({}), undefined).allowed, true);
  });

  it("a policy must return literally true; false, truthy junk, a throw and a timeout all deny", async () => {
    const cases: [Requirement["policies"][number], boolean][] = [
      [() => true, true],
      [async () => true, true],
      [() => false, false],
      [(() => "yes") as any, false],
      [() => { throw new Error("db down"); }, false],
      [() => new Promise<boolean>(() => {}), false],
    ];
    for (const [policy, allowed] of cases) {
      const d = await engine.checkCall(req({ policies: [policy] }), ctxFor(who()), {});
      assert.equal(d.allowed, allowed, String(policy));
    }
  });

  it("policies see the validated input (ownership check)", async () => {
    const owns = req({ policies: [(ctx, input: { owner: string }) => ctx.auth?.subject === input.owner] });
    assert.equal((await engine.checkCall(owns, ctxFor(who()), { owner: "u" })).allowed, true);
    assert.equal((await engine.checkCall(owns, ctxFor(who()), { owner: "someone-else" })).allowed, false);
  });

  it("merges class and method requirements", () => {
    const m = mergeRequirements(req({ roleGroups: [["a"]], scopes: ["s1"] }), req({ roleGroups: [["b"]], scopes: ["s1", "s2"] }));
    assert.deepEqual(m.roleGroups, [["a"], ["b"]]);
    assert.deepEqual(m.scopes, ["s1", "s2"]);
  });
});
