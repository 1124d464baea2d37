import "reflect-metadata";
import assert from "node:assert/strict";
import { Authorize, ConfigurationError, Server, Tool, type Policy } from "../../../src";
import { compileClass } from "../../../src/core/compile-class";
import { getClassAuthz, getMethodAuthz } from "../../../src/metadata";

describe("@Authorize", () => {
  const owns: Policy = (ctx, input: { owner: string }) => ctx.auth?.subject === input.owner;
  const notSuspended: Policy = (ctx) => ctx.auth?.claims.suspended !== true;

  it("records the policy function itself; stacked policies are all kept (all must allow)", () => {
    class S {
      @Authorize(owns)
      @Authorize(notSuspended)
      m() {}
    }
    const { policies } = getMethodAuthz(S, "m");
    assert.equal(policies.length, 2);
    assert.ok(policies.includes(owns) && policies.includes(notSuspended));
    assert.deepEqual(getMethodAuthz(S, "m").roleGroups, []);
  });

  it("on the class, its policy runs for every tool, before the method's own", () => {
    @Server({ name: "s" })
    @Authorize(notSuspended)
    class S {
      @Tool({ description: "a" })
      a() {}
      @Tool({ description: "b" })
      @Authorize(owns)
      b() {}
    }
    assert.deepEqual(getClassAuthz(S).policies, [notSuspended]);
    const tools = Object.fromEntries(compileClass(S).tools.map((t) => [t.name, t.requirement.policies]));
    assert.deepEqual(tools, { a: [notSuspended], b: [notSuspended, owns] });
  });

  it("does not make a tool require roles or scopes (policies are call-time only)", () => {
    @Server({ name: "s" })
    class S {
      @Tool({ description: "a" })
      @Authorize(owns)
      a() {}
    }
    const [tool] = compileClass(S).tools;
    assert.deepEqual([tool.requirement.roleGroups, tool.requirement.scopes, tool.requirement.public], [[], [], false]);
  });

  it("refuses anything that is not a function when the decorator is created", () => {
    for (const bad of [undefined, null, true, "admin", { allow: true }]) {
      assert.throws(() => Authorize(bad as unknown as Policy), ConfigurationError, String(bad));
    }
  });
});
