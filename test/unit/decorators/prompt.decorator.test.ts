import "reflect-metadata";
import assert from "node:assert/strict";
import { Authorize, Prompt, RequireScope, Server } from "../../../src";
import { compileClass } from "../../../src/core/compile-class";
import { getMembers } from "../../../src/metadata";

describe("@Prompt", () => {
  it("records a member; its name defaults to snake_case; authorization decorators apply to it", () => {
    const policy = () => true;
    @Server({ name: "s" })
    class S {
      @Prompt({ description: "Review", arguments: [{ name: "pr", required: true }] })
      @RequireScope("repo:read")
      @Authorize(policy)
      reviewPullRequest() {}
    }
    assert.deepEqual(getMembers(S).map((m) => [m.kind, m.method]), [["prompt", "reviewPullRequest"]]);
    const [p] = compileClass(S).prompts;
    assert.equal(p.name, "review_pull_request");
    assert.deepEqual(p.arguments, [{ name: "pr", required: true }]);
    assert.deepEqual(p.requirement.scopes, ["repo:read"]);
    assert.deepEqual(p.requirement.policies, [policy]);
  });
});
