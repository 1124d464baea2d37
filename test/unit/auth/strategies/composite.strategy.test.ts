import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { AuthContext, AuthRequest } from "../../../../src/contracts/auth-context";
import type { AuthStrategy } from "../../../../src/auth/auth-strategy";
import { ApiKeyStrategy } from "../../../../src/auth/strategies/api-key.strategy";
import { anyOf, CompositeStrategy } from "../../../../src/auth/strategies/composite.strategy";
import { JwtStrategy } from "../../../../src/auth/strategies/jwt.strategy";
import { OAuthStrategy } from "../../../../src/auth/strategies/oauth.strategy";
import { AuthenticationError, ConfigurationError, InvalidRequestError, type AuthFailureReason } from "../../../../src/errors";
import { TestIdentityProvider } from "../../../../src/testing/identity-provider";
import { signTestJwt } from "../../../../src/testing/sign-test-jwt";

const SECRET = randomBytes(48).toString("base64url");
const API_KEY = `sk-${randomBytes(24).toString("hex")}`;
const req = (headers: Record<string, string | undefined>): AuthRequest => ({ headers, transport: "http" });

/** A strategy that accepts everything and counts its calls: it must never be reached by a bad credential. */
class AcceptAllStrategy implements AuthStrategy {
  readonly name = "accept-all";
  calls = 0;
  async authenticate(): Promise<AuthContext> {
    this.calls++;
    return { subject: "anonymous", roles: ["admin"], scopes: [], claims: {}, strategy: this.name };
  }
}

async function rejectsWith(strategy: AuthStrategy, request: AuthRequest, reason: AuthFailureReason): Promise<void> {
  await assert.rejects(strategy.authenticate(request), (err: unknown) => {
    assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    return true;
  });
}

describe("CompositeStrategy", () => {
  let idp: TestIdentityProvider;
  let apiKey: ApiKeyStrategy;
  let jwt: JwtStrategy;
  let oauth: OAuthStrategy;

  before(async () => {
    idp = await TestIdentityProvider.start();
  });
  after(async () => {
    await idp.stop();
  });
  beforeEach(() => {
    apiKey = new ApiKeyStrategy({ keys: [{ id: "ci", key: API_KEY, roles: ["deployer"] }] });
    jwt = new JwtStrategy({ secret: SECRET });
    oauth = new OAuthStrategy({ issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri });
  });

  it("lets the strategy whose credential is present decide, and names it in the context", async () => {
    const auth = anyOf(apiKey, jwt);
    assert.equal(auth.name, "composite");
    const byKey = await auth.authenticate(req({ "x-api-key": API_KEY }));
    assert.equal(byKey.strategy, "api-key");
    assert.equal(byKey.subject, "apikey:ci");
    const byJwt = await auth.authenticate(req({ authorization: `Bearer ${signTestJwt({ sub: "svc:a" }, { secret: SECRET })}` }));
    assert.equal(byJwt.strategy, "jwt");
    assert.equal(byJwt.subject, "svc:a");
  });

  it("answers 400 invalid_request when an API key and a bearer token are both sent", async () => {
    const auth = anyOf(apiKey, jwt);
    const token = signTestJwt({ sub: "svc:a" }, { secret: SECRET });
    await assert.rejects(auth.authenticate(req({ "x-api-key": API_KEY, authorization: `Bearer ${token}` })), InvalidRequestError);
  });

  it("reports missing_credentials when no strategy's credential is present", async () => {
    await rejectsWith(anyOf(apiKey, jwt), req({}), "missing_credentials");
    assert.equal(anyOf(apiKey, jwt).hasCredentials(req({})), false);
    assert.equal(anyOf(apiKey, jwt).hasCredentials(req({ "x-api-key": "x" })), true);
  });

  it("never lets a present-but-bad credential fall through to another strategy", async () => {
    const fallback = new AcceptAllStrategy();
    const auth = anyOf(apiKey, jwt, fallback);
    await rejectsWith(auth, req({ "x-api-key": "wrong" }), "invalid_credentials");
    await rejectsWith(auth, req({ authorization: `Bearer ${signTestJwt({ sub: "x" }, { secret: randomBytes(48) })}` }), "bad_signature");
    await rejectsWith(auth, req({ authorization: "Basic dXNlcjpwYXNz" }), "invalid_credentials");
    assert.equal(fallback.calls, 0);
    // The catch-all decides only when no other credential is present at all.
    assert.equal((await auth.authenticate(req({}))).strategy, "accept-all");
    assert.equal(fallback.calls, 1);
  });

  it("routes bearer tokens between JWT and OAuth by algorithm, without falling through", async () => {
    const auth = anyOf(jwt, oauth);
    const service = await auth.authenticate(req({ authorization: `Bearer ${signTestJwt({ sub: "svc:a" }, { secret: SECRET })}` }));
    assert.equal(service.strategy, "jwt");
    const user = await auth.authenticate(req({ authorization: `Bearer ${idp.mint({ sub: "alice" })}` }));
    assert.equal(user.strategy, "oauth");
    assert.equal(user.subject, "alice");
    await rejectsWith(auth, req({ authorization: `Bearer ${signTestJwt({ sub: "svc:a" }, { secret: randomBytes(48) })}` }), "bad_signature");
    const [h, p] = idp.mint({ sub: "alice" }).split(".");
    const [, , otherSig] = idp.mint({ sub: "mallory" }).split(".");
    await rejectsWith(auth, req({ authorization: `Bearer ${h}.${p}.${otherSig}` }), "bad_signature");
  });

  it("serves the first child's resource metadata and merges stdio mappings", () => {
    const auth = anyOf(apiKey, oauth, jwt);
    assert.deepEqual(auth.resourceMetadata(), oauth.resourceMetadata());
    assert.equal(anyOf(apiKey, jwt).resourceMetadata(), undefined);
    assert.deepEqual(auth.stdioEnv(), { API_KEY: "x-api-key", MCP_AUTH_TOKEN: "authorization" });
  });

  it("refuses to be built without strategies", () => {
    assert.throws(() => new CompositeStrategy([]), ConfigurationError);
    assert.throws(() => anyOf({} as AuthStrategy), ConfigurationError);
  });

  it("names the refusing child strategy in the error, for the audit log", async () => {
    const keys = new ApiKeyStrategy({ keys: [API_KEY] });
    await assert.rejects(anyOf(keys, new AcceptAllStrategy()).authenticate(req({ "x-api-key": "sk-wrong" })), (err: unknown) => {
      assert.ok(err instanceof AuthenticationError);
      assert.equal(err.details.strategy, "api-key");
      return true;
    });
  });
});
