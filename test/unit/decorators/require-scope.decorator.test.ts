import "reflect-metadata";
import assert from "node:assert/strict";
import { ConfigurationError, RequireScope, Server, Tool } from "../../../src";
import { compileClass } from "../../../src/core/compile-class";
import { getClassAuthz, getMethodAuthz } from "../../../src/metadata";

describe("@RequireScope", () => {
  it("records all-of scopes; stacked decorators add to the same list, without duplicates", () => {
    class S {
      @RequireScope("repo:read", "repo:write")
      @RequireScope("repo:read", "admin:org")
      m() {}
    }
    assert.deepEqual([...getMethodAuthz(S, "m").scopes].sort(), ["admin:org", "repo:read", "repo:write"]);
    assert.deepEqual(getMethodAuthz(S, "m").roleGroups, []);
  });

  it("on the class applies to every tool; class and method scopes are merged once", () => {
    @Server({ name: "s" })
    @RequireScope("repo:read")
    class S {
      @Tool({ description: "a" })
      a() {}
      @Tool({ description: "b" })
      @RequireScope("repo:read", "repo:write")
      b() {}
    }
    assert.deepEqual(getClassAuthz(S).scopes, ["repo:read"]);
    assert.deepEqual(getMethodAuthz(S, "a").scopes, []);
    const tools = Object.fromEntries(compileClass(S).tools.map((t) => [t.name, t.requirement.scopes]));
    assert.deepEqual(tools, { a: ["repo:read"], b: ["repo:read", "repo:write"] });
  });

  it("a subclass server keeps the scopes its base class requires", () => {
    @RequireScope("billing:write")
    class Billing {
      @Tool({ description: "x" })
      refund() {}
    }
    @Server({ name: "sub" })
    class Sub extends Billing {}
    assert.deepEqual(compileClass(Sub).tools[0].requirement.scopes, ["billing:write"]);
  });

  it("refuses no scopes, empty names, names with whitespace and non-strings", () => {
    assert.throws(() => RequireScope(), ConfigurationError);
    assert.throws(() => RequireScope(""), ConfigurationError);
    assert.throws(() => RequireScope("repo:read repo:write"), /without spaces/);
    assert.throws(() => RequireScope("tab\there"), ConfigurationError);
    assert.throws(() => RequireScope(7 as unknown as string), ConfigurationError);
  });
});
