import assert from "node:assert/strict";
import { ConfigurationError } from "../../../../src/errors";
import { tokenDigest, verifiedCacheEntries, verifiedUntil } from "../../../../src/auth/token/verified-cache";

describe("verified-token cache rules", () => {
  const NOW = 1_700_000_000_000;
  const sec = NOW / 1000;

  describe("verifiedUntil", () => {
    it("keeps a token until its exp, or maxAgeMs if that comes first", () => {
      assert.equal(verifiedUntil({ exp: sec + 60 }, NOW), NOW + 60_000);
      assert.equal(verifiedUntil({ exp: sec + 60 }, NOW, 30_000), NOW + 30_000);
      assert.equal(verifiedUntil({ exp: sec + 10 }, NOW, 30_000), NOW + 10_000);
      assert.equal(verifiedUntil({}, NOW, 30_000), NOW + 30_000, "an introspection answer without exp: the TTL alone");
    });

    it("keeps nothing already expired, not yet valid, or without any bound", () => {
      assert.equal(verifiedUntil({ exp: sec }, NOW), undefined);
      assert.equal(verifiedUntil({ exp: sec - 1 }, NOW), undefined, "inside the clock tolerance after exp: full path only");
      assert.equal(verifiedUntil({ exp: sec + 60, nbf: sec + 1 }, NOW), undefined);
      assert.equal(verifiedUntil({ exp: sec + 60, nbf: sec }, NOW), NOW + 60_000);
      assert.equal(verifiedUntil({}, NOW), undefined, "no exp and no TTL would mean forever");
      assert.equal(verifiedUntil({ exp: sec + 60 }, NOW, 0), undefined);
    });

    it("keeps nothing whose time claims are not finite numbers, and reads own claims only", () => {
      for (const bad of [{ exp: String(sec + 60) }, { exp: Infinity }, { exp: sec + 60, nbf: "0" }, { exp: sec + 60, nbf: NaN }])
        assert.equal(verifiedUntil(bad as Record<string, unknown>, NOW, 30_000), undefined, JSON.stringify(bad));
      const inherited = Object.create({ exp: sec + 3600 }) as Record<string, unknown>;
      assert.equal(verifiedUntil(inherited, NOW), undefined);
    });
  });

  describe("verifiedCacheEntries", () => {
    it("defaults to 10 000, false turns it off, maxEntries sets it", () => {
      assert.equal(verifiedCacheEntries(undefined, "X"), 10_000);
      assert.equal(verifiedCacheEntries({}, "X"), 10_000);
      assert.equal(verifiedCacheEntries(false, "X"), 0);
      assert.equal(verifiedCacheEntries({ maxEntries: 0 }, "X"), 0);
      assert.equal(verifiedCacheEntries({ maxEntries: 2.7 }, "X"), 2);
    });

    it("refuses anything else at start-up, naming the option", () => {
      for (const bad of [true, null, [], 5, { maxEntries: -1 }, { maxEntries: Infinity }, { maxEntries: "5" }])
        assert.throws(() => verifiedCacheEntries(bad, "JwtStrategy"), (err: unknown) => {
          assert.ok(err instanceof ConfigurationError);
          assert.match(err.message, /^JwtStrategy: verifiedCache/);
          return true;
        });
      assert.throws(() => verifiedCacheEntries({ maxEntries: -1 }, "OAuthStrategy", "cacheMaxEntries"), /OAuthStrategy: cacheMaxEntries must be/);
    });
  });

  describe("tokenDigest", () => {
    it("is a SHA-256 digest: fixed length, distinct for tokens one character apart, never the token", () => {
      const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
      assert.equal(tokenDigest(token), tokenDigest(token));
      assert.match(tokenDigest(token), /^[A-Za-z0-9_-]{43}$/);
      assert.notEqual(tokenDigest(token), tokenDigest(token.slice(0, -1) + "m"));
      assert.ok(!tokenDigest(token).includes("eyJ"));
    });
  });
});
