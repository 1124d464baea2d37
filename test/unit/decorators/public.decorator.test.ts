import "reflect-metadata";
import assert from "node:assert/strict";
import { ConfigurationError, Public, RequireRole, RequireScope, Server, Tool } from "../../../src";
import { compileClass } from "../../../src/core/compile-class";
import { getClassAuthz, getMethodAuthz } from "../../../src/metadata";

describe("@Public", () => {
  it("marks only the decorated method; stacking it twice is harmless", () => {
    class S {
      @Public()
      @Public()
      open() {}
      closed() {}
    }
    assert.equal(getMethodAuthz(S, "open").public, true);
    assert.equal(getMethodAuthz(S, "closed").public, false);
    assert.equal(getClassAuthz(S).public, false);
  });

  it("on the class, every tool is public", () => {
    @Server({ name: "s" })
    @Public()
    class S {
      @Tool({ description: "a" })
      a() {}
      @Tool({ description: "b" })
      b() {}
    }
    assert.equal(getClassAuthz(S).public, true);
    assert.deepEqual(compileClass(S).tools.map((t) => t.requirement.public), [true, true]);
  });

  it("with roles or scopes on the same tool is a contradiction, refused at compile time naming the method", () => {
    @Server({ name: "s" })
    class WithRole {
      @Tool({ description: "a" })
      @Public()
      @RequireRole("admin")
      status() {}
    }
    assert.throws(() => compileClass(WithRole), (e: unknown) => e instanceof ConfigurationError && /WithRole\.status is @Public\(\)/.test(e.message));

    @Server({ name: "s" })
    @RequireScope("ops:read")
    class ClassScope {
      @Tool({ description: "a" })
      @Public()
      health() {}
    }
    assert.throws(() => compileClass(ClassScope), /ClassScope\.health is @Public\(\) but also requires roles or scopes/);
  });
});
