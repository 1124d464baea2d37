import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { JwtStrategy, type JwtStrategyOptions } from "../../../../src/auth/strategies/jwt.strategy";
import { AuthenticationError, ConfigurationError, type AuthFailureReason } from "../../../../src/errors";
import { signTestJwt } from "../../../../src/testing/sign-test-jwt";
import { assertMutationsRefused } from "../../../fixtures/token-mutations";

const SECRET = randomBytes(48).toString("base64url");
const OTHER_SECRET = randomBytes(48).toString("base64url");
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, transport: "http" as const });

async function rejectsWith(strategy: JwtStrategy, token: string, reason: AuthFailureReason): Promise<void> {
  await assert.rejects(strategy.authenticate(bearer(token)), (err: unknown) => {
    assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    return true;
  });
}

/** The module object JwtStrategy calls into (require returns the same one). */
const jsonwebtoken: { verify: (...args: unknown[]) => unknown } = require("jsonwebtoken");

/** Counts the real jsonwebtoken.verify calls made while `body` runs: the work a cache hit must skip. */
async function countVerifies(body: () => Promise<void>): Promise<number> {
  const original = jsonwebtoken.verify;
  let calls = 0;
  jsonwebtoken.verify = (...args: unknown[]) => {
    calls++;
    return original(...args);
  };
  try {
    await body();
  } finally {
    jsonwebtoken.verify = original;
  }
  return calls;
}

describe("JwtStrategy verified-token cache", () => {
  let clock: number;
  const now = () => clock;
  const strategy = (extra: Partial<JwtStrategyOptions> = {}) => new JwtStrategy({ secret: SECRET, now, ...extra });
  const nowSec = () => Math.floor(clock / 1000);
  /** A token issued at the strategy's clock, valid for `seconds`. */
  const mint = (claims: Record<string, unknown>, seconds = 300) =>
    signTestJwt({ iat: nowSec(), exp: nowSec() + seconds, ...claims }, { secret: SECRET });

  beforeEach(() => {
    clock = Date.now();
  });

  it("answers a token seen before from the cache, without verifying it again", async () => {
    const s = strategy();
    const token = mint({ sub: "svc:billing", roles: ["billing"], scope: "invoices:read" });
    let first!: Awaited<ReturnType<JwtStrategy["authenticate"]>>;
    let second!: typeof first;
    const verifies = await countVerifies(async () => {
      first = await s.authenticate(bearer(token));
      second = await s.authenticate(bearer(token));
    });
    assert.equal(verifies, 1, "jsonwebtoken.verify ran once for two requests");
    assert.deepEqual(s.cacheStats(), { entries: 1, maxEntries: 10_000, hits: 1, misses: 1 });
    // The same context as the full path, field for field: a top level of its own over one frozen, shared principal.
    assert.deepEqual(second, first);
    assert.equal(second.token, token);
    assert.equal(second.strategy, "jwt");
    assert.notEqual(second, first);
    for (const part of [second.roles, second.scopes, second.claims, second.context]) assert.ok(Object.isFrozen(part));
  });

  it("a caller mutating the returned context does not change the next hit", async () => {
    const s = strategy();
    const token = mint({ sub: "svc:a", roles: ["reader"], realm: { groups: ["g"] } });
    const pristine = await s.authenticate(bearer(token));
    const hit = await s.authenticate(bearer(token));
    assert.throws(() => hit.roles.push("admin"), TypeError);
    assert.throws(() => hit.scopes.push("everything"), TypeError);
    assert.throws(() => (hit.claims.realm as { groups: string[] }).groups.push("wheel"), TypeError);
    assert.throws(() => (hit.claims.sub = "svc:root"), TypeError);
    assert.throws(() => (hit.context!.service = "svc:root"), TypeError);
    hit.subject = "svc:root";
    hit.roles = ["admin"];
    const next = await s.authenticate(bearer(token));
    assert.deepEqual(next, pristine);
    assert.equal(s.cacheStats().hits, 2);
  });

  it("different tokens never share an entry, even for the same subject", async () => {
    const s = strategy();
    const reader = mint({ sub: "svc:a", roles: ["reader"] });
    const admin = mint({ sub: "svc:a", roles: ["admin"] });
    const other = mint({ sub: "svc:b", roles: ["reader"] });
    for (let round = 0; round < 3; round++) {
      assert.deepEqual((await s.authenticate(bearer(reader))).roles, ["reader"]);
      assert.deepEqual((await s.authenticate(bearer(admin))).roles, ["admin"]);
      assert.equal((await s.authenticate(bearer(other))).subject, "svc:b");
    }
    assert.deepEqual(s.cacheStats(), { entries: 3, maxEntries: 10_000, hits: 6, misses: 3 });
  });

  it("never serves a mutation of a cached token (FC_RUNS, default 1000)", async () => {
    const s = strategy();
    const valid = mint({ sub: "svc:a", roles: ["reader"] });
    await s.authenticate(bearer(valid));
    await s.authenticate(bearer(valid));
    await assertMutationsRefused(s, valid);
    assert.equal(s.cacheStats().entries, 1, "no refused token entered the cache");
  });

  it("stops serving a token from the cache at its exp: one second later the full path decides", async () => {
    const s = strategy(); // clockTolerance 5: the full path still accepts 1 s after exp
    const strict = strategy({ clockTolerance: 0 });
    const token = mint({ sub: "svc:a" }, 60);
    const exp = (nowSec() + 60) * 1000;
    await s.authenticate(bearer(token));
    await strict.authenticate(bearer(token));
    clock = exp - 1;
    await s.authenticate(bearer(token));
    assert.equal(s.cacheStats().hits, 1, "served from the cache until the last millisecond before exp");
    clock = exp + 1000;
    assert.equal((await s.authenticate(bearer(token))).subject, "svc:a");
    assert.equal(s.cacheStats().misses, 2, "verified again after exp (accepted within the tolerance)");
    assert.equal(s.cacheStats().entries, 0, "and not cached again past exp");
    await rejectsWith(strict, token, "expired");
  });

  it("does not cache a token whose nbf is still ahead (accepted only through the clock tolerance)", async () => {
    const s = strategy();
    const token = mint({ sub: "svc:a", nbf: nowSec() + 3 });
    await s.authenticate(bearer(token));
    await s.authenticate(bearer(token));
    assert.deepEqual(s.cacheStats(), { entries: 0, maxEntries: 10_000, hits: 0, misses: 2 });
    clock += 4_000; // nbf has passed: now it is kept
    await s.authenticate(bearer(token));
    await s.authenticate(bearer(token));
    assert.equal(s.cacheStats().hits, 1);
  });

  it("never caches a failure: a refused token is verified, and refused, every time", async () => {
    const s = strategy();
    const forged = signTestJwt({ sub: "svc:a", iat: nowSec(), exp: nowSec() + 60 }, { secret: OTHER_SECRET });
    const expired = signTestJwt({ sub: "svc:a", iat: nowSec() - 120, exp: nowSec() - 60 }, { secret: SECRET });
    const verifies = await countVerifies(async () => {
      for (let i = 0; i < 3; i++) {
        await rejectsWith(s, forged, "bad_signature");
        await rejectsWith(s, expired, "expired");
      }
    });
    assert.equal(verifies, 6);
    assert.equal(s.cacheStats().entries, 0);
  });

  it("stays within maxEntries, evicting the least recently used token", async () => {
    const s = strategy({ verifiedCache: { maxEntries: 5 } });
    const tokens = Array.from({ length: 40 }, (_, i) => mint({ sub: `svc:${i}` }));
    for (const t of tokens) {
      await s.authenticate(bearer(t));
      assert.ok(s.cacheStats().entries <= 5, `${s.cacheStats().entries} entries`);
    }
    const { hits } = s.cacheStats();
    assert.equal((await s.authenticate(bearer(tokens[39]))).subject, "svc:39");
    assert.equal(s.cacheStats().hits, hits + 1, "the newest is still cached");
    assert.equal((await s.authenticate(bearer(tokens[0]))).subject, "svc:0");
    assert.equal(s.cacheStats().hits, hits + 1, "the oldest was evicted and verified again");
  });

  it("verifiedCache: false verifies every request in full", async () => {
    const s = strategy({ verifiedCache: false });
    const token = mint({ sub: "svc:a" });
    const verifies = await countVerifies(async () => {
      for (let i = 0; i < 3; i++) assert.equal((await s.authenticate(bearer(token))).subject, "svc:a");
    });
    assert.equal(verifies, 3);
    assert.deepEqual(s.cacheStats(), { entries: 0, maxEntries: 0, hits: 0, misses: 3 });
  });

  it("refuses a verifiedCache that is neither { maxEntries } nor false", () => {
    for (const bad of [{ maxEntries: -1 }, { maxEntries: Number.NaN }, { maxEntries: "10" }, true, null, []])
      assert.throws(() => strategy({ verifiedCache: bad as JwtStrategyOptions["verifiedCache"] }), ConfigurationError);
    assert.equal(strategy({ verifiedCache: {} }).cacheStats().maxEntries, 10_000);
    assert.equal(strategy({ verifiedCache: { maxEntries: 0 } }).cacheStats().maxEntries, 0);
  });
});
