import assert from "node:assert/strict";
import { AuthenticationError, type AuthFailureReason } from "../../../../src/errors";
import { bearerToken, hasAuthorizationHeader, MAX_TOKEN_LENGTH } from "../../../../src/auth/token/bearer-token";

const req = (authorization?: string) => ({ headers: { authorization }, transport: "http" as const });

function throwsReason(fn: () => unknown, reason: AuthFailureReason): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    return true;
  });
}

describe("bearerToken", () => {
  it("returns the token of a Bearer header", () => {
    assert.equal(bearerToken(req("Bearer abc.def-_~+/=")), "abc.def-_~+/=");
  });

  it("matches the scheme case-insensitively and tolerates extra spaces", () => {
    assert.equal(bearerToken(req("bearer tok")), "tok");
    assert.equal(bearerToken(req("BEARER   tok")), "tok");
  });

  it("refuses other schemes (Basic, Token) as invalid_credentials", () => {
    throwsReason(() => bearerToken(req("Basic dXNlcjpwYXNz")), "invalid_credentials");
    throwsReason(() => bearerToken(req("Token abc")), "invalid_credentials");
    throwsReason(() => bearerToken(req("abc.def.ghi")), "invalid_credentials");
  });

  it("refuses an empty bearer as malformed_token", () => {
    throwsReason(() => bearerToken(req("Bearer")), "malformed_token");
    throwsReason(() => bearerToken(req("Bearer    ")), "malformed_token");
  });

  it("reports a missing header as missing_credentials", () => {
    throwsReason(() => bearerToken(req(undefined)), "missing_credentials");
    throwsReason(() => bearerToken(req("")), "missing_credentials");
  });

  it("refuses characters outside the RFC 6750 b64token syntax", () => {
    throwsReason(() => bearerToken(req("Bearer a b")), "malformed_token");
    throwsReason(() => bearerToken(req("Bearer a,b")), "malformed_token");
    throwsReason(() => bearerToken(req('Bearer a"b')), "malformed_token");
    throwsReason(() => bearerToken(req("Bearer =abc")), "malformed_token");
  });

  it("caps the token at 8 KiB before parsing", () => {
    assert.equal(bearerToken(req(`Bearer ${"a".repeat(MAX_TOKEN_LENGTH)}`)).length, MAX_TOKEN_LENGTH);
    throwsReason(() => bearerToken(req(`Bearer ${"a".repeat(MAX_TOKEN_LENGTH + 1)}`)), "token_too_large");
    throwsReason(() => bearerToken(req(`Bearer ${"a".repeat(64 * 1024)}`)), "token_too_large");
  });

  it("never puts the token text in the error message", () => {
    try {
      bearerToken(req("Bearer secret\u2028value"));
      assert.fail("should have thrown");
    } catch (err) {
      assert.ok(err instanceof AuthenticationError);
      assert.ok(!err.message.includes("secret"));
    }
  });

  it("hasAuthorizationHeader is true only for a non-empty header", () => {
    assert.equal(hasAuthorizationHeader(req("Basic x")), true);
    assert.equal(hasAuthorizationHeader(req(" ")), false);
    assert.equal(hasAuthorizationHeader(req(undefined)), false);
  });
});
