import "reflect-metadata";
import assert from "node:assert/strict";
import { ConfigurationError, RequireRole, Server, Tool } from "../../../src";
import { compileClass } from "../../../src/core/compile-class";
import { getClassAuthz, getMethodAuthz } from "../../../src/metadata";

const sorted = (groups: string[][]) => groups.map((g) => g.join("|")).sort();

describe("@RequireRole", () => {
  it("records one any-of group per decorator; stacked decorators add groups that must all hold", () => {
    class S {
      @RequireRole("admin", "owner")
      @RequireRole("verified")
      m() {}
    }
    assert.deepEqual(sorted(getMethodAuthz(S, "m").roleGroups), ["admin|owner", "verified"]);
    assert.deepEqual(getMethodAuthz(S, "m").scopes, []);
    assert.deepEqual(getMethodAuthz(S, "m").policies, []);
    assert.equal(getMethodAuthz(S, "m").public, false);
  });

  it("on the class records on the constructor, not on any method; compiled, it applies to every tool", () => {
    @Server({ name: "s" })
    @RequireRole("staff")
    class S {
      @Tool({ description: "a" })
      a() {}
      @Tool({ description: "b" })
      @RequireRole("admin")
      b() {}
    }
    assert.deepEqual(getClassAuthz(S).roleGroups, [["staff"]]);
    assert.deepEqual(getMethodAuthz(S, "a").roleGroups, []);
    assert.deepEqual(getMethodAuthz(S, "b").roleGroups, [["admin"]]);
    const tools = Object.fromEntries(compileClass(S).tools.map((t) => [t.name, t.requirement.roleGroups]));
    assert.deepEqual(tools, { a: [["staff"]], b: [["staff"], ["admin"]] });
  });

  it("stacked on the class, every group applies", () => {
    @RequireRole("a", "b")
    @RequireRole("c")
    class S {}
    assert.deepEqual(sorted(getClassAuthz(S).roleGroups), ["a|b", "c"]);
  });

  it("keeps one class's metadata apart from another's, and a method's from its siblings'", () => {
    class A {
      @RequireRole("x")
      m() {}
      n() {}
    }
    class B {
      m() {}
    }
    assert.deepEqual(getMethodAuthz(A, "m").roleGroups, [["x"]]);
    assert.deepEqual(getMethodAuthz(A, "n").roleGroups, []);
    assert.deepEqual(getMethodAuthz(B, "m").roleGroups, []);
    assert.deepEqual(getClassAuthz(A).roleGroups, []);
  });

  it("copies its arguments: changing the caller's array later changes nothing", () => {
    const roles = ["admin"];
    class S {
      @RequireRole(...roles)
      m() {}
    }
    roles.push("anyone");
    assert.deepEqual(getMethodAuthz(S, "m").roleGroups, [["admin"]]);
  });

  it("refuses no roles, empty names and non-strings when the decorator is created", () => {
    assert.throws(() => RequireRole(), ConfigurationError);
    assert.throws(() => RequireRole(""), /non-empty role name/);
    assert.throws(() => RequireRole("admin", ""), ConfigurationError);
    assert.throws(() => RequireRole(42 as unknown as string), ConfigurationError);
    assert.throws(() => RequireRole(undefined as unknown as string), ConfigurationError);
  });

  it("a base class's class-level roles still apply to the tools a subclass server inherits and adds", () => {
    @RequireRole("admin")
    class AdminTools {
      @Tool({ description: "inherited" })
      purge() {}
    }
    @Server({ name: "sub" })
    class Sub extends AdminTools {
      @Tool({ description: "own" })
      own() {}
    }
    const tools = Object.fromEntries(compileClass(Sub).tools.map((t) => [t.name, t.requirement.roleGroups]));
    assert.deepEqual(tools, { purge: [["admin"]], own: [["admin"]] });
  });

  it("an overriding method keeps the roles of the method it overrides and adds its own", () => {
    @Server({ name: "base" })
    class Base {
      @Tool({ description: "d" })
      @RequireRole("admin")
      deleteUser() {}
    }
    @Server({ name: "sub" })
    class Sub extends Base {
      @RequireRole("verified")
      override deleteUser() {}
    }
    const [tool] = compileClass(Sub).tools;
    assert.deepEqual(sorted(tool.requirement.roleGroups), ["admin", "verified"]);
    const [plain] = compileClass(Base).tools;
    assert.deepEqual(plain.requirement.roleGroups, [["admin"]]);
  });
});
