import "reflect-metadata";
import assert from "node:assert/strict";
import { ConfigurationError, Public, RequireRole, Resource, Server } from "../../../src";
import { compileClass } from "../../../src/core/compile-class";
import { getMembers } from "../../../src/metadata";

describe("@Resource", () => {
  it("records a member with its URI or template; authorization decorators apply to it as to tools", () => {
    @Server({ name: "s" })
    @RequireRole("staff")
    class S {
      @Resource("config://app", { mimeType: "application/json" })
      config() {}
      @Resource("users://{id}/profile")
      @RequireRole("admin")
      profile() {}
    }
    assert.deepEqual(
      getMembers(S).map((m) => (m.kind === "resource" ? [m.method, m.uri] : m.kind)),
      [
        ["config", "config://app"],
        ["profile", "users://{id}/profile"],
      ],
    );
    const compiled = Object.fromEntries(compileClass(S).resources.map((r) => [r.uri, [r.template, r.requirement.roleGroups]]));
    assert.deepEqual(compiled, { "config://app": [false, [["staff"]]], "users://{id}/profile": [true, [["staff"], ["admin"]]] });
  });

  it("@Public resources compile as public", () => {
    @Server({ name: "s" })
    class S {
      @Resource("status://health")
      @Public()
      health() {}
    }
    assert.equal(compileClass(S).resources[0].requirement.public, true);
  });

  it("refuses a relative URI or a non-string when the decorator is created", () => {
    for (const bad of ["profile", "/users/1", "", 42]) assert.throws(() => Resource(bad as string), ConfigurationError, String(bad));
  });
});
