import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { container } from "tsyringe";
import { OAuthStrategy, type OAuthStrategyOptions } from "../../../../src/auth/strategies/oauth.strategy";
import {
  AuthenticationError,
  ConfigurationError,
  IdentityProviderUnavailableError,
  InsufficientScopeError,
  type AuthFailureReason,
} from "../../../../src/errors";
import { assertMutationsRefused } from "../../../fixtures/token-mutations";
import { TestIdentityProvider } from "../../../../src/testing/identity-provider";
import { OAUTH_OPTIONS } from "../../../../src/auth/strategies/oauth.strategy";

const b64 = (value: string | Buffer): string => Buffer.from(value).toString("base64url");
const nowSec = (): number => Math.floor(Date.now() / 1000);
const req = (authorization?: string) => ({ headers: { authorization }, transport: "http" as const });
const bearer = (token: string) => req(`Bearer ${token}`);

async function rejectsWith(strategy: OAuthStrategy, token: string | ReturnType<typeof req>, reason: AuthFailureReason): Promise<void> {
  const request = typeof token === "string" ? bearer(token) : token;
  await assert.rejects(strategy.authenticate(request), (err: unknown) => {
    assert.ok(err instanceof AuthenticationError, `expected AuthenticationError(${reason}), got ${String(err)}`);
    assert.equal(err.reason, reason);
    return true;
  });
}

async function unavailable(strategy: OAuthStrategy, token: string): Promise<number> {
  const started = Date.now();
  await assert.rejects(strategy.authenticate(bearer(token)), (err: unknown) => {
    assert.ok(err instanceof IdentityProviderUnavailableError, `expected IdentityProviderUnavailableError, got ${String(err)}`);
    return true;
  });
  return Date.now() - started;
}

function configError(options: OAuthStrategyOptions | undefined, pattern: RegExp): void {
  assert.throws(() => new OAuthStrategy(options), (err: unknown) => {
    assert.ok(err instanceof ConfigurationError, `expected ConfigurationError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe("OAuthStrategy", function () {
  let idp: TestIdentityProvider;
  const withJwks = (extra: Partial<OAuthStrategyOptions> = {}) =>
    new OAuthStrategy({ issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri, ...extra });
  const withIntrospection = (extra: Partial<OAuthStrategyOptions> = {}) =>
    new OAuthStrategy({
      issuer: idp.issuer,
      audience: idp.audience,
      introspection: { endpoint: idp.introspectionEndpoint, clientId: idp.clientId, clientSecret: idp.clientSecret },
      ...extra,
    });

  before(async () => {
    idp = await TestIdentityProvider.start({ audience: "http://127.0.0.1/mcp" });
  });
  after(async () => {
    await idp.stop();
  });
  afterEach(() => {
    idp.setMode("ok");
  });

  describe("JWT access tokens (JWKS)", () => {
    it("accepts RS256 and ES256 tokens and builds the user context the guide expects", async () => {
      const s = withJwks();
      const token = idp.mint({ sub: "alice", scope: "repo:read repo:write", roles: ["admin"], email: "a@x" });
      const ctx = await s.authenticate(bearer(token));
      assert.equal(ctx.subject, "alice");
      assert.equal(ctx.strategy, "oauth");
      assert.deepEqual(ctx.roles, ["admin"]);
      assert.deepEqual(ctx.scopes, ["repo:read", "repo:write"]);
      assert.equal(ctx.token, token);
      assert.equal(typeof ctx.expiresAt, "number");
      const user = ctx.context?.user as Record<string, unknown>;
      assert.equal(user.id, "alice");
      assert.equal(user.token, token);
      assert.equal(user.email, "a@x");
      assert.deepEqual(user.roles, ["admin"]);
      const es = idp.mint({ sub: "bob", scp: ["a", "b"] }, { alg: "ES256" });
      const esCtx = await s.authenticate(bearer(es));
      assert.equal(esCtx.subject, "bob");
      assert.deepEqual(esCtx.scopes, ["a", "b"]);
    });

    it("discovers the JWKS from the issuer metadata once", async () => {
      const s = new OAuthStrategy({ issuer: idp.issuer, audience: idp.audience });
      const before = idp.stats.metadataRequests;
      const jwksBefore = idp.stats.jwksRequests;
      for (let i = 0; i < 3; i++) await s.authenticate(bearer(idp.mint({ sub: "alice" })));
      assert.equal(idp.stats.metadataRequests - before, 1);
      assert.equal(idp.stats.jwksRequests - jwksBefore, 1);
    });

    it("reads roles from a nested claim path", async () => {
      const s = withJwks({ rolesClaim: "realm_access.roles" });
      const ctx = await s.authenticate(bearer(idp.mint({ sub: "alice", realm_access: { roles: ["ops"] } })));
      assert.deepEqual(ctx.roles, ["ops"]);
    });

    it("can be resolved from a container with OAUTH_OPTIONS", async () => {
      const child = container.createChildContainer();
      child.register(OAUTH_OPTIONS, { useValue: { issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri } });
      const s = child.resolve(OAuthStrategy);
      assert.equal((await s.authenticate(bearer(idp.mint({ sub: "di" })))).subject, "di");
    });

    it("refuses alg none", async () => {
      const token = `${b64(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64(JSON.stringify({ sub: "admin", iss: idp.issuer, aud: idp.audience, exp: nowSec() + 60 }))}.`;
      await rejectsWith(withJwks(), token, "unsupported_algorithm");
    });

    it("refuses an HS256 token signed with the RS256 public key as the HMAC secret", async () => {
      const header = b64(JSON.stringify({ alg: "HS256", typ: "JWT", kid: idp.currentKid("RS256") }));
      const payload = b64(JSON.stringify({ sub: "admin", iss: idp.issuer, aud: idp.audience, iat: nowSec(), exp: nowSec() + 60 }));
      const sig = createHmac("sha256", idp.publicKeyPem("RS256")).update(`${header}.${payload}`).digest("base64url");
      await rejectsWith(withJwks(), `${header}.${payload}.${sig}`, "unsupported_algorithm");
    });

    it("refuses algorithms outside the configured list", async () => {
      await rejectsWith(withJwks(), idp.mint({ sub: "alice" }, { header: { alg: "RS512" } }), "unsupported_algorithm");
      await rejectsWith(withJwks({ algorithms: ["ES256"] }), idp.mint({ sub: "alice" }), "unsupported_algorithm");
    });

    it("refuses a bad signature and a tampered payload", async () => {
      const s = withJwks();
      const [h1, p1] = idp.mint({ sub: "alice" }).split(".");
      const [, , s2] = idp.mint({ sub: "mallory" }).split(".");
      await rejectsWith(s, `${h1}.${p1}.${s2}`, "bad_signature");
      const [h, , sig] = idp.mint({ sub: "alice", roles: [] }).split(".");
      const forged = b64(JSON.stringify({ sub: "alice", roles: ["admin"], iss: idp.issuer, aud: idp.audience, exp: nowSec() + 60 }));
      await rejectsWith(s, `${h}.${forged}.${sig}`, "bad_signature");
    });

    it("refuses truncated, non-base64, non-JSON and two-segment tokens as malformed", async () => {
      const s = withJwks();
      const token = idp.mint({ sub: "alice" });
      const [h, p, sig] = token.split(".");
      await rejectsWith(s, `${h}.${p}`, "malformed_token");
      await rejectsWith(s, `${h}.${p}.`, "malformed_token");
      await rejectsWith(s, `${h}.${p}.${sig.slice(0, 40)}`, "bad_signature");
      await rejectsWith(s, `${h}.${p}.${sig.slice(0, 10)}+/${sig.slice(12)}`, "malformed_token");
      await rejectsWith(s, `${h}.${b64("{not json")}.${sig}`, "malformed_token");
      await rejectsWith(s, `${h}.${b64('["array"]')}.${sig}`, "malformed_token");
      await rejectsWith(s, "opaque-but-no-introspection", "malformed_token");
    });

    it("refuses a 64 KiB token", async () => {
      await rejectsWith(withJwks(), idp.mint({ sub: "alice", pad: "x".repeat(64 * 1024) }), "token_too_large");
    });

    it("refuses expired, not-yet-valid, future-issued and exp-less tokens", async () => {
      const s = withJwks();
      await rejectsWith(s, idp.mint({ sub: "alice" }, { expiresIn: -60 }), "expired");
      await rejectsWith(s, idp.mint({ sub: "alice", nbf: nowSec() + 3600 }), "not_yet_valid");
      await rejectsWith(s, idp.mint({ sub: "alice", iat: nowSec() + 3600, exp: nowSec() + 3700 }), "issued_in_future");
      await rejectsWith(s, idp.mint({ sub: "alice", exp: undefined }), "missing_exp");
      await rejectsWith(s, idp.mint({ sub: "alice", exp: String(nowSec() + 60) }), "malformed_token");
    });

    it("honours the injected clock", async () => {
      let clock = Date.now();
      const s = withJwks({ now: () => clock });
      const token = idp.mint({ sub: "alice" }, { expiresIn: 60 });
      assert.equal((await s.authenticate(bearer(token))).subject, "alice");
      clock += 120_000;
      await rejectsWith(s, token, "expired");
    });

    it("refuses a wrong issuer", async () => {
      await rejectsWith(withJwks(), idp.mint({ sub: "alice", iss: "http://127.0.0.1:1/evil" }), "wrong_issuer");
      await rejectsWith(withJwks(), idp.mint({ sub: "alice", iss: undefined }), "wrong_issuer");
    });

    it("requires the audience to name this server (RFC 8707), compared leniently", async () => {
      const s = withJwks();
      assert.equal((await s.authenticate(bearer(idp.mint({ sub: "a" }, { audience: "HTTP://127.0.0.1/mcp/" })))).subject, "a");
      assert.equal((await s.authenticate(bearer(idp.mint({ sub: "a" }, { audience: ["http://other", "http://127.0.0.1/mcp#x"] })))).subject, "a");
      await rejectsWith(s, idp.mint({ sub: "a" }, { audience: "http://evil.example/mcp" }), "wrong_audience");
      await rejectsWith(s, idp.mint({ sub: "a" }, { audience: "http://127.0.0.1/other-mcp-server" }), "wrong_audience");
      await rejectsWith(s, idp.mint({ sub: "a", aud: undefined }), "wrong_audience");
    });

    it("refuses a token without sub", async () => {
      await rejectsWith(withJwks(), idp.mint({ scope: "x" }), "invalid_credentials");
    });

    it("refuses unknown crit headers", async () => {
      await rejectsWith(withJwks(), idp.mint({ sub: "a" }, { header: { crit: ["x-unknown"], "x-unknown": true } }), "malformed_token");
    });

    it("refuses the Basic scheme, an empty bearer and a missing header", async () => {
      const s = withJwks();
      await rejectsWith(s, req("Basic dXNlcjpwYXNz"), "invalid_credentials");
      await rejectsWith(s, req("Bearer"), "malformed_token");
      await rejectsWith(s, req(undefined), "missing_credentials");
    });

    it('grants no roles for a {"__proto__":{"roles":["admin"]}} payload', async () => {
      const raw = `{"sub":"alice","iss":${JSON.stringify(idp.issuer)},"aud":${JSON.stringify(idp.audience)},"iat":${nowSec()},"exp":${nowSec() + 60},"__proto__":{"roles":["admin"]}}`;
      const ctx = await withJwks().authenticate(bearer(idp.mint({}, { rawPayload: raw })));
      assert.equal(ctx.subject, "alice");
      assert.deepEqual(ctx.roles, []);
      assert.equal((ctx.claims as { roles?: unknown }).roles, undefined);
      assert.deepEqual((ctx.context?.user as { roles: unknown }).roles, []);
      assert.equal(({} as { roles?: unknown }).roles, undefined);
    });

    it('grants no roles for {"roles":"admin,root"}', async () => {
      const ctx = await withJwks().authenticate(bearer(idp.mint({ sub: "alice", roles: "admin,root" })));
      assert.deepEqual(ctx.roles, []);
    });

    it("answers 403 insufficient_scope when requiredScopes are missing", async () => {
      const s = withJwks({ requiredScopes: ["repo:read", "repo:admin"] });
      await assert.rejects(s.authenticate(bearer(idp.mint({ sub: "a", scope: "repo:read" }))), (err: unknown) => {
        assert.ok(err instanceof InsufficientScopeError);
        assert.deepEqual(err.missingScopes, ["repo:admin"]);
        assert.deepEqual(err.requiredScopes, ["repo:read", "repo:admin"]);
        return true;
      });
      const ctx = await s.authenticate(bearer(idp.mint({ sub: "a", scope: "repo:admin repo:read" })));
      assert.equal(ctx.subject, "a");
    });
  });

  describe("unknown kids and JWKS refetching", () => {
    it("costs no extra JWKS fetch within the cooldown; 200 random kids cause at most 2 fetches", async () => {
      const s = withJwks();
      const start = idp.stats.jwksRequests;
      await s.authenticate(bearer(idp.mint({ sub: "alice" })));
      assert.equal(idp.stats.jwksRequests - start, 1);
      await rejectsWith(s, idp.mint({ sub: "alice" }, { header: { kid: "unknown-kid" } }), "unknown_key");
      assert.equal(idp.stats.jwksRequests - start, 1);
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, () => s.authenticate(bearer(idp.mint({ sub: "x" }, { header: { kid: randomBytes(8).toString("hex") } })))),
      );
      for (const r of results) {
        assert.equal(r.status, "rejected");
        assert.ok(r.status === "rejected" && r.reason instanceof AuthenticationError && r.reason.reason === "unknown_key");
      }
      assert.ok(idp.stats.jwksRequests - start <= 2, `JWKS fetched ${idp.stats.jwksRequests - start} times`);
    });

    it("refetches exactly once for an unknown kid once the cooldown has passed", async () => {
      const s = withJwks({ jwksCooldown: 0 });
      const start = idp.stats.jwksRequests;
      await s.authenticate(bearer(idp.mint({ sub: "alice" })));
      assert.equal(idp.stats.jwksRequests - start, 1);
      await rejectsWith(s, idp.mint({ sub: "alice" }, { header: { kid: "not-there" } }), "unknown_key");
      assert.equal(idp.stats.jwksRequests - start, 2);
    });

    it("treats injection-shaped kids as unknown keys and never as paths or queries", async () => {
      const s = withJwks();
      const start = idp.stats.jwksRequests;
      for (const kid of ["../../etc/passwd", "' OR 1=1 --", "http://169.254.169.254/latest", "${jndi:ldap://x}"]) {
        await rejectsWith(s, idp.mint({ sub: "alice" }, { header: { kid } }), "unknown_key");
      }
      assert.equal(idp.stats.jwksRequests - start, 1);
    });

    it("ignores jku, x5u and embedded jwk headers", async () => {
      const s = withJwks();
      const token = idp.mint({ sub: "alice" }, { header: { kid: "attacker", jku: "http://127.0.0.1:1/jwks", jwk: { kty: "oct", k: "AAAA" } } });
      await rejectsWith(s, token, "unknown_key");
    });
  });

  describe("key rotation", () => {
    let rotating: TestIdentityProvider;
    before(async () => {
      rotating = await TestIdentityProvider.start({ audience: "http://127.0.0.1/mcp" });
    });
    after(async () => {
      await rotating.stop();
    });

    it("accepts old and new kids after rotation, and refuses a retired kid", async () => {
      const options = { issuer: rotating.issuer, audience: rotating.audience, jwksUri: rotating.jwksUri };
      const oldKid = rotating.currentKid("RS256");
      const oldToken = rotating.mint({ sub: "old" });
      const live = new OAuthStrategy({ ...options, jwksCooldown: 0 });
      assert.equal((await live.authenticate(bearer(oldToken))).subject, "old");

      const { RS256: newKid } = await rotating.rotateKeys();
      assert.notEqual(newKid, oldKid);
      const newToken = rotating.mint({ sub: "new" });
      // The same strategy learns the new kid with one refetch.
      assert.equal((await live.authenticate(bearer(newToken))).subject, "new");
      assert.equal((await live.authenticate(bearer(oldToken))).subject, "old");
      const fresh = new OAuthStrategy(options);
      assert.equal((await fresh.authenticate(bearer(oldToken))).subject, "old");
      assert.equal((await fresh.authenticate(bearer(newToken))).subject, "new");

      // Kid-less tokens match both RSA keys in the JWKS; each candidate is tried, only its own signature passes.
      const kidlessOld = rotating.mint({ sub: "old-nokid" }, { kid: oldKid, header: { kid: undefined } });
      const kidlessNew = rotating.mint({ sub: "new-nokid" }, { header: { kid: undefined } });
      assert.equal((await fresh.authenticate(bearer(kidlessOld))).subject, "old-nokid");
      assert.equal((await fresh.authenticate(bearer(kidlessNew))).subject, "new-nokid");
      const [h, p] = kidlessNew.split(".");
      await rejectsWith(fresh, `${h}.${p}.${kidlessOld.split(".")[2]}`, "bad_signature");

      rotating.retireKey(oldKid);
      assert.ok(!rotating.kids().includes(oldKid));
      const afterRetire = new OAuthStrategy(options);
      await rejectsWith(afterRetire, oldToken, "unknown_key");
      assert.equal((await afterRetire.authenticate(bearer(newToken))).subject, "new");
    });
  });

  describe("identity provider outages (JWKS)", () => {
    it("answers 503 when the JWKS endpoint is down, and recovers without caching the failure", async () => {
      const s = withJwks();
      const token = idp.mint({ sub: "alice" });
      idp.setMode("down");
      await unavailable(s, token);
      idp.setMode("ok");
      assert.equal((await s.authenticate(bearer(token))).subject, "alice");
    });

    it("answers 503 within timeoutMs + 1 s when the JWKS endpoint hangs", async () => {
      const s = withJwks({ timeoutMs: 300 });
      idp.setMode("slow");
      const elapsed = await unavailable(s, idp.mint({ sub: "alice" }));
      assert.ok(elapsed < 1300, `took ${elapsed} ms`);
    });

    it("answers 503 when the JWKS endpoint returns garbage", async () => {
      const s = withJwks();
      idp.setMode("garbage");
      await unavailable(s, idp.mint({ sub: "alice" }));
    });

    it("answers 503 when metadata discovery fails, and retries discovery on the next request", async () => {
      const s = new OAuthStrategy({ issuer: idp.issuer, audience: idp.audience });
      const token = idp.mint({ sub: "alice" });
      idp.setMode("down");
      await unavailable(s, token);
      idp.setMode("ok");
      assert.equal((await s.authenticate(bearer(token))).subject, "alice");
    });

    it("answers 503 when the JWKS host is unreachable", async () => {
      const s = new OAuthStrategy({ issuer: idp.issuer, audience: idp.audience, jwksUri: "http://127.0.0.1:1/jwks", timeoutMs: 1000 });
      await unavailable(s, idp.mint({ sub: "alice" }));
    });
  });

  describe("opaque tokens (RFC 7662 introspection)", () => {
    it("accepts an active token with HTTP Basic client authentication", async () => {
      const s = withIntrospection();
      const token = idp.mintOpaque({ sub: "carol", scope: "repo:read", roles: ["dev"] });
      const ctx = await s.authenticate(bearer(token));
      assert.equal(ctx.subject, "carol");
      assert.deepEqual(ctx.roles, ["dev"]);
      assert.deepEqual(ctx.scopes, ["repo:read"]);
      assert.equal((ctx.context?.user as { token: string }).token, token);
      assert.equal(typeof ctx.expiresAt, "number");
    });

    it("refuses active:false as inactive_token", async () => {
      await rejectsWith(withIntrospection(), randomBytes(32).toString("base64url"), "inactive_token");
      await rejectsWith(withIntrospection(), idp.mintOpaque({ sub: "carol" }, { expiresIn: -10 }), "inactive_token");
    });

    it("introspects JWTs too when no JWKS is configured", async () => {
      const s = withIntrospection();
      const jwks = idp.stats.jwksRequests;
      const calls = idp.stats.introspectionRequests;
      const token = idp.mint({ sub: "dave" });
      assert.equal((await s.authenticate(bearer(token))).subject, "dave");
      assert.equal(idp.stats.introspectionRequests - calls, 1);
      assert.equal(idp.stats.jwksRequests, jwks);
    });

    it("checks aud, iss and sub of the introspection answer", async () => {
      const s = withIntrospection();
      await rejectsWith(s, idp.mintOpaque({ sub: "c" }, { audience: "http://127.0.0.1/other-mcp" }), "wrong_audience");
      await rejectsWith(s, idp.mintOpaque({ sub: "c", aud: undefined }), "wrong_audience");
      await rejectsWith(s, idp.mintOpaque({ sub: "c", iss: "http://evil.example" }), "wrong_issuer");
      await rejectsWith(s, idp.mintOpaque({ sub: undefined }), "invalid_credentials");
    });

    it("refuses a revoked token once the cache bound (cacheTtl) has passed", async () => {
      let clock = Date.now();
      const s = withIntrospection({ cacheTtl: 1, now: () => clock });
      const token = idp.mintOpaque({ sub: "carol" });
      const calls = idp.stats.introspectionRequests;
      assert.equal((await s.authenticate(bearer(token))).subject, "carol");
      idp.revoke(token);
      // Within the bound, the cached answer stands (the documented revocation latency)…
      assert.equal((await s.authenticate(bearer(token))).subject, "carol");
      assert.equal(idp.stats.introspectionRequests - calls, 1);
      // …and once it has passed, the revocation is seen.
      clock += 1_001;
      await rejectsWith(s, token, "inactive_token");
      assert.equal(idp.stats.introspectionRequests - calls, 2);
    });

    it("sees a revocation made through the /revoke endpoint", async () => {
      const s = withIntrospection({ cacheTtl: 0 });
      const token = idp.mintOpaque({ sub: "carol" });
      assert.equal((await s.authenticate(bearer(token))).subject, "carol");
      const res = await fetch(idp.revocationEndpoint, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${idp.clientId}:${idp.clientSecret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ token }).toString(),
      });
      assert.equal(res.status, 200);
      await rejectsWith(s, token, "inactive_token");
    });

    it("never reuses a cached answer past the token's exp", async () => {
      let clock = Date.now();
      const s = withIntrospection({ cacheTtl: 3600, now: () => clock });
      const token = idp.mintOpaque({ sub: "carol" }, { expiresIn: 30 });
      const calls = idp.stats.introspectionRequests;
      assert.equal((await s.authenticate(bearer(token))).subject, "carol");
      clock += 36_000; // past exp plus the 5 s clock tolerance
      await rejectsWith(s, token, "expired");
      assert.equal(idp.stats.introspectionRequests - calls, 2);
    });

    it("caches negative answers for negativeCacheTtl only", async () => {
      let clock = Date.now();
      const s = withIntrospection({ negativeCacheTtl: 5, now: () => clock });
      const token = randomBytes(32).toString("base64url");
      const calls = idp.stats.introspectionRequests;
      await rejectsWith(s, token, "inactive_token");
      await rejectsWith(s, token, "inactive_token");
      assert.equal(idp.stats.introspectionRequests - calls, 1);
      clock += 5_001;
      await rejectsWith(s, token, "inactive_token");
      assert.equal(idp.stats.introspectionRequests - calls, 2);
    });

    it("sends one introspection request for concurrent requests with the same token", async () => {
      const s = withIntrospection();
      const token = idp.mintOpaque({ sub: "carol" });
      const calls = idp.stats.introspectionRequests;
      const results = await Promise.all(Array.from({ length: 20 }, () => s.authenticate(bearer(token))));
      assert.ok(results.every((ctx) => ctx.subject === "carol"));
      assert.equal(idp.stats.introspectionRequests - calls, 1);
      // They share one frozen principal: no caller can change what the others see.
      assert.throws(() => results[0].roles.push("mutated"), TypeError);
      assert.deepEqual(results[1].roles, []);
    });

    it("keeps the cache bounded (cacheMaxEntries)", async () => {
      const s = withIntrospection({ cacheMaxEntries: 2 });
      const [a, b, c] = [1, 2, 3].map((i) => idp.mintOpaque({ sub: `u${i}` }));
      const calls = idp.stats.introspectionRequests;
      for (const t of [a, b, c]) await s.authenticate(bearer(t));
      assert.equal(idp.stats.introspectionRequests - calls, 3);
      await s.authenticate(bearer(c));
      assert.equal(idp.stats.introspectionRequests - calls, 3);
      await s.authenticate(bearer(a));
      assert.equal(idp.stats.introspectionRequests - calls, 4);
    });

    it("answers 503 when introspection is down, and never caches the failure", async () => {
      const s = withIntrospection();
      const token = idp.mintOpaque({ sub: "carol" });
      idp.setMode("down");
      await unavailable(s, token);
      await unavailable(s, token);
      idp.setMode("ok");
      const calls = idp.stats.introspectionRequests;
      assert.equal((await s.authenticate(bearer(token))).subject, "carol");
      assert.equal(idp.stats.introspectionRequests - calls, 1);
    });

    it("answers 503 within timeoutMs + 1 s when introspection hangs", async () => {
      const s = withIntrospection({ timeoutMs: 300 });
      idp.setMode("slow");
      const elapsed = await unavailable(s, idp.mintOpaque({ sub: "carol" }));
      assert.ok(elapsed < 1300, `took ${elapsed} ms`);
    });

    it("answers 503 when introspection returns garbage", async () => {
      const s = withIntrospection();
      idp.setMode("garbage");
      await unavailable(s, idp.mintOpaque({ sub: "carol" }));
    });

    it("answers 503 (not 401) when its own client credentials are refused", async () => {
      const s = new OAuthStrategy({
        issuer: idp.issuer,
        audience: idp.audience,
        introspection: { endpoint: idp.introspectionEndpoint, clientId: idp.clientId, clientSecret: "wrong" },
      });
      await unavailable(s, idp.mintOpaque({ sub: "carol" }));
    });
  });

  describe("custom verifyToken", () => {
    it("uses the hook's user and exposes context.user.token", async () => {
      const s = new OAuthStrategy({
        audience: "http://127.0.0.1/mcp",
        verifyToken: async (token) => (token === "good-token" ? { id: "u1", roles: ["admin"], login: "octocat" } : null),
      });
      const ctx = await s.authenticate(bearer("good-token"));
      assert.equal(ctx.subject, "u1");
      assert.deepEqual(ctx.roles, ["admin"]);
      const user = ctx.context?.user as Record<string, unknown>;
      assert.equal(user.token, "good-token");
      assert.equal(user.login, "octocat");
      await rejectsWith(s, "bad-token", "invalid_credentials");
    });

    it("turns a throwing hook, a non-object and an expired result into rejections", async () => {
      const throwing = new OAuthStrategy({
        audience: "x",
        verifyToken: () => {
          throw new Error("provider said: password=hunter2");
        },
      });
      await rejectsWith(throwing, "t", "invalid_credentials");
      const stringy = new OAuthStrategy({ audience: "x", verifyToken: () => "alice" as unknown as Record<string, unknown> });
      await rejectsWith(stringy, "t", "invalid_credentials");
      const expired = new OAuthStrategy({ audience: "x", verifyToken: () => ({ sub: "a", exp: nowSec() - 60 }) });
      await rejectsWith(expired, "t", "expired");
      const noSubject = new OAuthStrategy({ audience: "x", verifyToken: () => ({ roles: ["admin"] }) });
      await rejectsWith(noSubject, "t", "invalid_credentials");
    });

    it("refuses a result whose aud names another resource (RFC 8707), and accepts ours or none", async () => {
      const verifying = (aud: unknown) => new OAuthStrategy({ audience: "https://mcp.example/mcp", verifyToken: () => ({ sub: "a", ...(aud === undefined ? {} : { aud }) }) });
      await rejectsWith(verifying("https://other.example/mcp"), "t", "wrong_audience");
      await rejectsWith(verifying(["https://other.example/mcp"]), "t", "wrong_audience");
      for (const aud of ["https://mcp.example/mcp", ["https://x", "https://MCP.example/mcp/"], undefined]) {
        const ctx = await verifying(aud).authenticate({ headers: { authorization: "Bearer t" }, transport: "http" });
        assert.equal(ctx.subject, "a");
      }
    });
  });

  describe("metadata and configuration", () => {
    it("serves RFC 9728 metadata defaulting the resource to the audience", () => {
      assert.deepEqual(withJwks().resourceMetadata(), {
        resource: idp.audience,
        authorization_servers: [idp.issuer],
        bearer_methods_supported: ["header"],
      });
      const s = withJwks({ resourceMetadata: { resource: "http://127.0.0.1/mcp", authorizationServers: ["https://as"], scopesSupported: ["a"], resourceName: "Demo" } });
      assert.deepEqual(s.resourceMetadata(), {
        resource: "http://127.0.0.1/mcp",
        authorization_servers: ["https://as"],
        scopes_supported: ["a"],
        bearer_methods_supported: ["header"],
        resource_name: "Demo",
      });
    });

    it("reports credentials presence, its name and its stdio mapping", () => {
      const s = withJwks();
      assert.equal(s.name, "oauth");
      assert.equal(s.hasCredentials(req("Bearer x")), true);
      assert.equal(s.hasCredentials(req(undefined)), false);
      assert.deepEqual(s.stdioEnv(), { MCP_AUTH_TOKEN: "authorization" });
    });

    it("refuses unsafe or incomplete configurations", () => {
      configError(undefined, /OAUTH_OPTIONS/);
      configError({ audience: "x" }, /issuer/);
      configError({ issuer: "https://as", audience: "" }, /audience/);
      configError({ issuer: "https://as", audience: "x", algorithms: ["none"] }, /none/);
      configError({ issuer: "https://as", audience: "x", algorithms: ["HS256"] }, /not allowed/);
      configError({ issuer: "https://as", audience: "x", algorithms: [] }, /empty/);
      configError({ issuer: "http://auth.example.com", audience: "x" }, /https/);
      configError({ issuer: "https://as", audience: "x", jwksUri: "http://keys.example.com/jwks" }, /https/);
      configError({ issuer: "https://as", audience: "x", introspection: { endpoint: "https://as/i", clientId: "", clientSecret: "s" } }, /clientId/);
      configError({ issuer: "https://as", audience: "x", timeoutMs: 0 }, /timeoutMs/);
    });
  });

  describe("property: mutated tokens", () => {
    it("never accepts a mutated valid token and always raises AuthenticationError (FC_RUNS, default 1000)", async () => {
      const s = withJwks();
      const valid = idp.mint({ sub: "alice", roles: ["reader"] }, { expiresIn: "10m" });
      await s.authenticate(bearer(valid));
      const jwksStart = idp.stats.jwksRequests;
      await assertMutationsRefused(s, valid);
      // Mutated kids must not turn into a JWKS refetch storm.
      assert.ok(idp.stats.jwksRequests - jwksStart <= 1, `JWKS fetched ${idp.stats.jwksRequests - jwksStart} times`);
    });
  });
});
