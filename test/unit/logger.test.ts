import assert from "node:assert/strict";
import { redactSecrets } from "../../src";

describe("redactSecrets", () => {
  it("never changes the caller's object, and shares what holds no secret", () => {
    const headers = { authorization: "Bearer abc", host: "api" };
    const quiet = { a: 1 };
    const logged = { headers, quiet };
    const out = redactSecrets(logged) as typeof logged;
    assert.deepEqual(out, { headers: { authorization: "[redacted]", host: "api" }, quiet: { a: 1 } });
    assert.equal(headers.authorization, "Bearer abc");
    assert.equal(out.quiet, quiet);
    const clean = { event: "tool.error", tool: "x" };
    assert.equal(redactSecrets(clean), clean);
  });

  it("keeps ordinary fields that merely contain the words (tokens, keyId, tokenType, free text)", () => {
    const fields = { tokens: 5, maxTokens: 3, keyId: "ci", kid: "k1", tokenType: "Bearer", note: "token expired", usage: "Basic plan" };
    assert.deepEqual(redactSecrets(fields), fields);
  });

  it("survives cycles and absurd depth, failing closed", () => {
    const cyclic: Record<string, unknown> = { name: "x" };
    cyclic.self = cyclic;
    assert.deepEqual(redactSecrets(cyclic), { name: "x", self: "[circular]" });
    let deep: Record<string, unknown> = { password: "p" };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    assert.ok(!JSON.stringify(redactSecrets(deep)).includes('"p"'));
  });
});
