import assert from "node:assert/strict";
import { OAuthStrategy, type OAuthStrategyOptions } from "../../../../src/auth/strategies/oauth.strategy";
import { AuthenticationError, ConfigurationError, IdentityProviderUnavailableError, type AuthFailureReason } from "../../../../src/errors";
import { TestIdentityProvider } from "../../../../src/testing/identity-provider";
import { assertMutationsRefused } from "../../../fixtures/token-mutations";

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, transport: "http" as const });

async function rejectsWith(strategy: OAuthStrategy, token: string, reason: AuthFailureReason): Promise<void> {
  await assert.rejects(strategy.authenticate(bearer(token)), (err: unknown) => {
    assert.ok(err instanceof AuthenticationError, `expected AuthenticationError(${reason}), got ${String(err)}`);
    assert.equal(err.reason, reason);
    return true;
  });
}

describe("OAuthStrategy verified-token cache", function () {
  let idp: TestIdentityProvider;
  let clock: number;
  const now = () => clock;
  const nowSec = () => Math.floor(clock / 1000);
  const withJwks = (extra: Partial<OAuthStrategyOptions> = {}) =>
    new OAuthStrategy({ issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri, now, ...extra });
  const withIntrospection = (extra: Partial<OAuthStrategyOptions> = {}) =>
    new OAuthStrategy({
      issuer: idp.issuer,
      audience: idp.audience,
      introspection: { endpoint: idp.introspectionEndpoint, clientId: idp.clientId, clientSecret: idp.clientSecret },
      now,
      ...extra,
    });
  /** A strategy whose JWKS is already loaded, so that the next verification can be kept. */
  const warm = async (s: OAuthStrategy): Promise<OAuthStrategy> => {
    await s.authenticate(bearer(idp.mint({ sub: "warm-up" })));
    return s;
  };

  before(async () => {
    idp = await TestIdentityProvider.start({ audience: "http://127.0.0.1/mcp" });
  });
  after(async () => {
    await idp.stop();
  });
  beforeEach(() => {
    clock = Date.now();
  });
  afterEach(() => {
    idp.setMode("ok");
  });

  describe("JWTs verified against the JWKS", () => {
    it("answers a token seen before from the cache, with the full path's context, frozen below the top level", async () => {
      const s = await warm(withJwks());
      const token = idp.mint({ sub: "alice", roles: ["admin"], scope: "repo:read", org: { teams: ["core"] } });
      const before = s.cacheStats();
      const full = await s.authenticate(bearer(token));
      const hit = await s.authenticate(bearer(token));
      assert.equal(s.cacheStats().misses - before.misses, 1);
      assert.equal(s.cacheStats().hits - before.hits, 1);
      assert.deepEqual(hit, full);
      assert.equal(hit.token, token);
      assert.equal(hit.expiresAt, full.expiresAt);
      // What callers share is frozen, and what is their own (the top level, context.user) changes nothing for the next.
      assert.throws(() => hit.roles.push("root"), TypeError);
      assert.throws(() => (hit.claims.org as { teams: string[] }).teams.push("wheel"), TypeError);
      assert.throws(() => (hit.context!.user as { roles: string[] }).roles.push("root"), TypeError);
      hit.subject = "mallory";
      (hit.context!.user as { id: string }).id = "mallory";
      assert.deepEqual(await s.authenticate(bearer(token)), full);
    });

    it("does not keep a verification during which a new key set was applied (the first one loads the JWKS)", async () => {
      const s = withJwks();
      const token = idp.mint({ sub: "alice" });
      await s.authenticate(bearer(token));
      assert.equal(s.cacheStats().entries, 0);
      await s.authenticate(bearer(token));
      await s.authenticate(bearer(token));
      assert.deepEqual(s.cacheStats(), { entries: 1, maxEntries: 10_000, hits: 1, misses: 2 });
    });

    it("different tokens never share an entry, even for the same subject", async () => {
      const s = await warm(withJwks());
      const reader = idp.mint({ sub: "alice", roles: ["reader"] });
      const admin = idp.mint({ sub: "alice", roles: ["admin"] });
      const es = idp.mint({ sub: "bob" }, { alg: "ES256" });
      for (let round = 0; round < 3; round++) {
        assert.deepEqual((await s.authenticate(bearer(reader))).roles, ["reader"]);
        assert.deepEqual((await s.authenticate(bearer(admin))).roles, ["admin"]);
        assert.equal((await s.authenticate(bearer(es))).subject, "bob");
      }
      assert.equal(s.cacheStats().entries, 3);
      await assertMutationsRefused(s, reader);
      assert.equal(s.cacheStats().entries, 3, "no refused token entered the cache");
    });

    it("stops serving a token from the cache at its exp: one second later the full path decides", async () => {
      const s = await warm(withJwks());
      const strict = await warm(withJwks({ clockTolerance: 0 }));
      const token = idp.mint({ sub: "alice" }, { expiresIn: 60 });
      const exp = (await s.authenticate(bearer(token))).expiresAt! * 1000;
      await strict.authenticate(bearer(token));
      const { hits, misses } = s.cacheStats();
      clock = exp - 1;
      await s.authenticate(bearer(token));
      assert.equal(s.cacheStats().hits, hits + 1, "served from the cache until the last millisecond before exp");
      clock = exp + 1000;
      assert.equal((await s.authenticate(bearer(token))).subject, "alice");
      assert.equal(s.cacheStats().misses, misses + 1, "verified again after exp (accepted within the 5 s tolerance)");
      await rejectsWith(strict, token, "expired");
    });

    it("does not cache a token whose nbf is still ahead (accepted only through the clock tolerance)", async () => {
      const s = await warm(withJwks());
      const token = idp.mint({ sub: "alice", nbf: nowSec() + 3 });
      const { entries, misses } = s.cacheStats();
      await s.authenticate(bearer(token));
      await s.authenticate(bearer(token));
      assert.equal(s.cacheStats().entries, entries);
      assert.equal(s.cacheStats().misses, misses + 2);
    });

    it("never caches a failure, and keeps no outage: a good token verifies once the provider is back", async () => {
      const s = await warm(withJwks());
      const [h, p] = idp.mint({ sub: "alice" }).split(".");
      const forged = `${h}.${p}.${idp.mint({ sub: "mallory" }).split(".")[2]}`;
      for (let i = 0; i < 3; i++) await rejectsWith(s, forged, "bad_signature");
      assert.equal(s.cacheStats().entries, 0);

      const cold = withJwks();
      const token = idp.mint({ sub: "alice" });
      idp.setMode("down");
      await assert.rejects(cold.authenticate(bearer(token)), IdentityProviderUnavailableError);
      idp.setMode("ok");
      assert.equal((await cold.authenticate(bearer(token))).subject, "alice");
    });

    it("keeps serving a cached token while the provider is down", async () => {
      const s = await warm(withJwks());
      const token = idp.mint({ sub: "alice" });
      await s.authenticate(bearer(token));
      idp.setMode("down");
      assert.equal((await s.authenticate(bearer(token))).subject, "alice");
    });

    it("verifies a cached token again once a new key set is fetched, so a retired key stops working", async () => {
      const rotating = await TestIdentityProvider.start({ audience: idp.audience });
      try {
        const s = new OAuthStrategy({ issuer: rotating.issuer, audience: rotating.audience, jwksUri: rotating.jwksUri, jwksCooldown: 0 });
        const oldKid = rotating.currentKid("RS256");
        const oldToken = rotating.mint({ sub: "old" });
        await s.authenticate(bearer(oldToken)); // loads the JWKS
        await s.authenticate(bearer(oldToken)); // kept
        await rotating.rotateKeys();
        rotating.retireKey(oldKid);
        // Until this process fetches the JWKS again, the entry stands (the documented window, at most until exp)…
        assert.equal((await s.authenticate(bearer(oldToken))).subject, "old");
        const fetches = rotating.stats.jwksRequests;
        // …a token with the new kid makes it fetch the new set, and the old token is verified in full again.
        assert.equal((await s.authenticate(bearer(rotating.mint({ sub: "new" })))).subject, "new");
        assert.equal(rotating.stats.jwksRequests, fetches + 1);
        await rejectsWith(s, oldToken, "unknown_key");
      } finally {
        await rotating.stop();
      }
    });

    it("stays within maxEntries (verifiedCache, or its older spelling cacheMaxEntries)", async () => {
      for (const options of [{ verifiedCache: { maxEntries: 3 } }, { cacheMaxEntries: 3 }]) {
        const s = await warm(withJwks(options));
        for (let i = 0; i < 12; i++) {
          await s.authenticate(bearer(idp.mint({ sub: `u${i}` })));
          assert.ok(s.cacheStats().entries <= 3, `${s.cacheStats().entries} entries`);
        }
        assert.equal(s.cacheStats().maxEntries, 3);
      }
      assert.throws(() => withJwks({ verifiedCache: { maxEntries: 3 }, cacheMaxEntries: 3 }), ConfigurationError);
      assert.throws(() => withJwks({ verifiedCache: { maxEntries: -3 } }), ConfigurationError);
    });
  });

  describe("RFC 7662 introspection answers", () => {
    it("reuses an answer for 30 s by default: a revoked token is refused from then on", async () => {
      const s = withIntrospection();
      const token = idp.mintOpaque({ sub: "carol" }, { expiresIn: "1h" });
      const calls = idp.stats.introspectionRequests;
      await s.authenticate(bearer(token));
      idp.revoke(token);
      clock += 29_999;
      assert.equal((await s.authenticate(bearer(token))).subject, "carol", "within the revocation window");
      assert.equal(idp.stats.introspectionRequests, calls + 1);
      clock += 1;
      await rejectsWith(s, token, "inactive_token");
      assert.equal(idp.stats.introspectionRequests, calls + 2);
    });

    it("does not cache an answer whose nbf is still ahead", async () => {
      const s = withIntrospection();
      const token = idp.mintOpaque({ sub: "carol", nbf: nowSec() + 3 });
      const calls = idp.stats.introspectionRequests;
      await s.authenticate(bearer(token));
      await s.authenticate(bearer(token));
      assert.equal(idp.stats.introspectionRequests, calls + 2);
    });

    it("verifiedCache: false asks the provider on every request, for positive and negative answers alike", async () => {
      const s = withIntrospection({ verifiedCache: false });
      const good = idp.mintOpaque({ sub: "carol" });
      const unknown = "never-issued-opaque-token";
      const calls = idp.stats.introspectionRequests;
      for (let i = 0; i < 3; i++) {
        await s.authenticate(bearer(good));
        await rejectsWith(s, unknown, "inactive_token");
      }
      assert.equal(idp.stats.introspectionRequests, calls + 6);
      assert.equal(s.cacheStats().entries, 0);
    });
  });
});
