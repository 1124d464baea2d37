import assert from "node:assert/strict";
import jwt from "jsonwebtoken";
import { errors as joseErrors } from "jose";
import {
  AuthenticationError,
  IdentityProviderUnavailableError,
  InsufficientScopeError,
  InvalidRequestError,
  type AuthFailureReason,
} from "../../../../src/errors";
import { asAuthFailure, fromJoseError, fromJsonwebtokenError } from "../../../../src/auth/token/verify-errors";

function reasonOf(err: unknown): AuthFailureReason {
  assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${String(err)}`);
  return err.reason;
}

describe("fromJsonwebtokenError", () => {
  const cases: [unknown, AuthFailureReason][] = [
    [new jwt.TokenExpiredError("jwt expired", new Date()), "expired"],
    [new jwt.TokenExpiredError("maxAge exceeded", new Date()), "lifetime_too_long"],
    [new jwt.NotBeforeError("jwt not active", new Date()), "not_yet_valid"],
    [new jwt.JsonWebTokenError("invalid signature"), "bad_signature"],
    [new jwt.JsonWebTokenError("invalid algorithm"), "unsupported_algorithm"],
    [new jwt.JsonWebTokenError("jwt signature is required"), "unsupported_algorithm"],
    [new jwt.JsonWebTokenError("secretOrPublicKey must be a symmetric key when using HS256"), "unsupported_algorithm"],
    [new jwt.JsonWebTokenError("jwt audience invalid. expected: https://x"), "wrong_audience"],
    [new jwt.JsonWebTokenError("jwt issuer invalid. expected: https://x"), "wrong_issuer"],
    [new jwt.JsonWebTokenError("jwt malformed"), "malformed_token"],
    [new jwt.JsonWebTokenError("invalid token"), "malformed_token"],
    [new jwt.JsonWebTokenError("invalid exp value"), "malformed_token"],
    [new jwt.JsonWebTokenError("something new in jsonwebtoken 10"), "rejected"],
    [new SyntaxError("Unexpected token } in JSON"), "malformed_token"],
    [new TypeError("Cannot read properties of undefined"), "rejected"],
    [new RangeError("Maximum call stack size exceeded"), "rejected"],
    ["a thrown string", "rejected"],
    [null, "rejected"],
    [undefined, "rejected"],
    [42, "rejected"],
  ];
  for (const [err, reason] of cases) {
    it(`maps ${String((err as Error)?.name ?? err)}: ${String((err as Error)?.message ?? "")} → ${reason}`, () => {
      assert.equal(reasonOf(fromJsonwebtokenError(err)), reason);
    });
  }

  it("maps an object whose getters throw to rejected", () => {
    const evil = Object.defineProperty({}, "name", {
      get() {
        throw new Error("boom");
      },
    });
    assert.equal(reasonOf(fromJsonwebtokenError(evil)), "rejected");
  });

  it("passes the framework's own errors through", () => {
    const own = new AuthenticationError("unknown_key");
    assert.equal(fromJsonwebtokenError(own), own);
    const outage = new IdentityProviderUnavailableError();
    assert.equal(fromJsonwebtokenError(outage), outage);
  });

  it("never copies the library message (which can echo configuration) into the result", () => {
    const mapped = fromJsonwebtokenError(new jwt.JsonWebTokenError("jwt issuer invalid. expected: https://internal-secret"));
    assert.ok(!mapped.message.includes("internal-secret"));
  });
});

describe("fromJoseError", () => {
  const claimFailed = (message: string, claim: string, reason: string) =>
    new joseErrors.JWTClaimValidationFailed(message, {}, claim, reason);
  const cases: [unknown, AuthFailureReason][] = [
    [new joseErrors.JWTExpired('"exp" claim timestamp check failed', {}, "exp", "check_failed"), "expired"],
    [new joseErrors.JWTExpired('"iat" claim timestamp check failed (too far in the past)', {}, "iat", "check_failed"), "lifetime_too_long"],
    [claimFailed('missing required "exp" claim', "exp", "missing"), "missing_exp"],
    [claimFailed('"exp" claim must be a number', "exp", "invalid"), "malformed_token"],
    [claimFailed('"nbf" claim timestamp check failed', "nbf", "check_failed"), "not_yet_valid"],
    [claimFailed('"iat" claim timestamp check failed (it should be in the past)', "iat", "check_failed"), "issued_in_future"],
    [claimFailed('unexpected "iss" claim value', "iss", "check_failed"), "wrong_issuer"],
    [claimFailed('unexpected "aud" claim value', "aud", "check_failed"), "wrong_audience"],
    [claimFailed('unexpected "typ" JWT header value', "typ", "check_failed"), "rejected"],
    [new joseErrors.JWSSignatureVerificationFailed(), "bad_signature"],
    [new joseErrors.JOSEAlgNotAllowed("not allowed"), "unsupported_algorithm"],
    [new joseErrors.JOSENotSupported("not supported"), "unsupported_algorithm"],
    [new joseErrors.JWSInvalid("bad"), "malformed_token"],
    [new joseErrors.JWTInvalid("bad"), "malformed_token"],
    [new joseErrors.JWKSNoMatchingKey(), "unknown_key"],
    [new joseErrors.JOSEError("generic"), "rejected"],
    [new TypeError("Invalid key for this operation"), "rejected"],
    [new SyntaxError("Unexpected token"), "malformed_token"],
    [Symbol("weird"), "rejected"],
  ];
  for (const [err, reason] of cases) {
    const label = `${String((err as { code?: string })?.code ?? (err as Error)?.name ?? "value")} ${String((err as Error)?.message ?? "")}`;
    it(`maps ${label} → ${reason}`, () => {
      assert.equal(reasonOf(fromJoseError(err)), reason);
    });
  }

  it("maps JWKS timeouts and invalid key sets to IdentityProviderUnavailableError", () => {
    assert.ok(fromJoseError(new joseErrors.JWKSTimeout()) instanceof IdentityProviderUnavailableError);
    assert.ok(fromJoseError(new joseErrors.JWKSInvalid()) instanceof IdentityProviderUnavailableError);
  });
});

describe("asAuthFailure", () => {
  it("keeps framework auth errors and turns everything else into rejected", () => {
    const invalid = new InvalidRequestError("two credentials");
    assert.equal(asAuthFailure(invalid), invalid);
    const scope = new InsufficientScopeError(["a"], ["a"]);
    assert.equal(asAuthFailure(scope), scope);
    assert.equal(reasonOf(asAuthFailure(new Error("db password=hunter2"))), "rejected");
    assert.ok(!asAuthFailure(new Error("db password=hunter2")).message.includes("hunter2"));
  });
});
