import assert from "node:assert/strict";
import { claimAt, rolesFrom, safeClaims, scopesFrom } from "../../../../src/auth/token/claims";

describe("claimAt", () => {
  it("follows dotted paths through own properties", () => {
    assert.deepEqual(claimAt({ realm_access: { roles: ["admin"] } }, "realm_access.roles"), ["admin"]);
  });

  it("reads a whole path with colons or dots as one claim name first", () => {
    assert.deepEqual(claimAt({ "cognito:groups": ["ops"] }, "cognito:groups"), ["ops"]);
    assert.deepEqual(claimAt({ "https://example.com/roles": ["x"] }, "https://example.com/roles"), ["x"]);
  });

  it("never reaches inherited properties", () => {
    assert.equal(claimAt({}, "constructor"), undefined);
    assert.equal(claimAt({}, "toString"), undefined);
    assert.equal(claimAt({ a: {} }, "a.constructor.name"), undefined);
    const inherited = Object.create({ roles: ["admin"] }) as Record<string, unknown>;
    assert.equal(claimAt(inherited, "roles"), undefined);
  });

  it("ignores an own __proto__ key (as JSON.parse creates it)", () => {
    const claims = JSON.parse('{"__proto__":{"roles":["admin"]}}') as unknown;
    assert.equal(claimAt(claims, "__proto__"), undefined);
    assert.equal(claimAt(claims, "__proto__.roles"), undefined);
    assert.equal(claimAt(claims, "roles"), undefined);
  });

  it("returns undefined for non-objects and missing segments", () => {
    assert.equal(claimAt("str", "length"), undefined);
    assert.equal(claimAt(null, "a"), undefined);
    assert.equal(claimAt({ a: "x" }, "a.b"), undefined);
    assert.equal(claimAt({ a: ["x"] }, "a.0"), undefined);
    assert.equal(claimAt({ a: 1 }, ""), undefined);
  });
});

describe("safeClaims", () => {
  it("drops __proto__, constructor and prototype keys at every level", () => {
    const parsed = JSON.parse(
      '{"sub":"alice","__proto__":{"roles":["admin"]},"constructor":{"prototype":{"x":1}},"nested":{"__proto__":{"y":2},"ok":true}}',
    ) as unknown;
    const copy = safeClaims(parsed);
    assert.deepEqual(Object.keys(copy), ["sub", "nested"]);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.equal((copy as { roles?: unknown }).roles, undefined);
    assert.deepEqual(copy.nested, { ok: true });
    assert.equal(({} as { roles?: unknown; y?: unknown }).roles, undefined);
    assert.equal(({} as { y?: unknown }).y, undefined);
  });

  it("returns a deep copy that does not share structure with the input", () => {
    const input = { a: { b: [1, "two", { c: null }] } };
    const copy = safeClaims(input);
    assert.deepEqual(copy, input);
    (copy.a as { b: unknown[] }).b.push("mutated");
    assert.equal(input.a.b.length, 3);
  });

  it("keeps only JSON values and cuts deep nesting", () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const copy = safeClaims({ fn: () => 1, n: Number.POSITIVE_INFINITY, deep, u: undefined });
    assert.deepEqual(Object.keys(copy), ["deep"]);
    let depth = 0;
    let node: unknown = copy.deep;
    while (node && typeof node === "object" && "d" in node) {
      node = (node as { d: unknown }).d;
      depth++;
    }
    assert.ok(depth < 20, `nesting was copied ${depth} levels deep`);
  });

  it("returns {} for non-objects", () => {
    assert.deepEqual(safeClaims([1, 2]), {});
    assert.deepEqual(safeClaims("x"), {});
    assert.deepEqual(safeClaims(null), {});
  });
});

describe("rolesFrom", () => {
  it("returns the string elements of an own array", () => {
    assert.deepEqual(rolesFrom({ roles: ["admin", 7, null, "ops", "admin"] }, "roles"), ["admin", "ops"]);
  });

  it("grants nothing for a comma-separated string", () => {
    assert.deepEqual(rolesFrom({ roles: "admin,root" }, "roles"), []);
  });

  it("grants nothing through a __proto__ payload", () => {
    assert.deepEqual(rolesFrom(JSON.parse('{"__proto__":{"roles":["admin"]}}'), "roles"), []);
    assert.deepEqual(rolesFrom(JSON.parse('{"__proto__":["admin"]}'), "__proto__"), []);
  });

  it("grants nothing for objects or missing claims", () => {
    assert.deepEqual(rolesFrom({ roles: { 0: "admin", length: 1 } }, "roles"), []);
    assert.deepEqual(rolesFrom({}, "roles"), []);
  });

  it("reads nested and namespaced paths", () => {
    assert.deepEqual(rolesFrom({ realm_access: { roles: ["admin"] } }, "realm_access.roles"), ["admin"]);
    assert.deepEqual(rolesFrom({ "cognito:groups": ["ops"] }, "cognito:groups"), ["ops"]);
  });
});

describe("scopesFrom", () => {
  it("splits a space-separated scope string", () => {
    assert.deepEqual(scopesFrom({ scope: "repo:read  repo:write " }, "scope"), ["repo:read", "repo:write"]);
  });
  it("accepts an array (scp)", () => {
    assert.deepEqual(scopesFrom({ scp: ["a", 1, "b"] }, "scp"), ["a", "b"]);
  });
  it("returns [] for other shapes", () => {
    assert.deepEqual(scopesFrom({ scope: 42 }, "scope"), []);
    assert.deepEqual(scopesFrom({}, "scope"), []);
  });
});
