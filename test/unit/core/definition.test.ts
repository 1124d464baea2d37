import assert from "node:assert/strict";
import { snakeCase, uriTemplateMatcher } from "../../../src/core/definition";

describe("snakeCase (default tool names)", () => {
  it("turns method names into snake_case tool names", () => {
    assert.equal(snakeCase("deleteUser"), "delete_user");
    assert.equal(snakeCase("listRepos"), "list_repos");
    assert.equal(snakeCase("getHTTPStatus"), "get_http_status");
    assert.equal(snakeCase("upgradePlan2"), "upgrade_plan2");
    assert.equal(snakeCase("echo"), "echo");
  });
});

describe("uriTemplateMatcher", () => {
  it("extracts variables from a matching URI and rejects others", () => {
    const m = uriTemplateMatcher("users://{id}/profile");
    assert.deepEqual({ ...m("users://42/profile") }, { id: "42" });
    assert.equal(m("users://42/other"), undefined);
    assert.equal(m("users://42/x/profile"), undefined);
  });
  it("treats regex characters in the template literally", () => {
    const m = uriTemplateMatcher("file:///a.b/{name}");
    assert.ok(m("file:///a.b/x"));
    assert.equal(m("file:///aXb/x"), undefined);
  });
});
