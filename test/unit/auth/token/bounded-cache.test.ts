import assert from "node:assert/strict";
import { BoundedCache } from "../../../../src/auth/token/bounded-cache";

describe("BoundedCache", () => {
  let now = 1_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it("returns a value until its deadline and not after", () => {
    const cache = new BoundedCache<string>(10, clock);
    cache.set("k", "v", 2_000);
    assert.equal(cache.get("k"), "v");
    now = 1_999;
    assert.equal(cache.get("k"), "v");
    now = 2_000;
    assert.equal(cache.get("k"), undefined);
    assert.equal(cache.size, 0);
  });

  it("stores nothing whose deadline has already passed", () => {
    const cache = new BoundedCache<string>(10, clock);
    cache.set("k", "v", 1_000);
    assert.equal(cache.get("k"), undefined);
  });

  it("never grows past its bound and evicts the least recently used entry", () => {
    const cache = new BoundedCache<number>(3, clock);
    cache.set("a", 1, 9_999);
    cache.set("b", 2, 9_999);
    cache.set("c", 3, 9_999);
    assert.equal(cache.get("a"), 1); // a is now the most recent
    cache.set("d", 4, 9_999);
    assert.equal(cache.size, 3);
    assert.equal(cache.get("b"), undefined);
    assert.equal(cache.get("a"), 1);
    for (let i = 0; i < 1_000; i++) cache.set(`x${i}`, i, 9_999);
    assert.equal(cache.size, 3);
  });

  it("counts hits and misses, and reports its size and bound", () => {
    const cache = new BoundedCache<string>(2, clock);
    cache.set("k", "v", 2_000);
    cache.get("k");
    cache.get("absent");
    now = 2_000;
    cache.get("k");
    assert.deepEqual(cache.stats(), { entries: 0, maxEntries: 2, hits: 1, misses: 2 });
    assert.equal(new BoundedCache<string>(-1, clock).stats().maxEntries, 0);
  });

  it("drops an entry the caller no longer accepts, as a miss", () => {
    const cache = new BoundedCache<{ version: number }>(10, clock);
    cache.set("k", { version: 1 }, 9_999);
    assert.deepEqual(cache.get("k", (v) => v.version === 1), { version: 1 });
    assert.equal(cache.get("k", (v) => v.version === 2), undefined);
    assert.equal(cache.size, 0);
    assert.deepEqual(cache.stats(), { entries: 0, maxEntries: 10, hits: 1, misses: 1 });
  });

  it("stores nothing when its bound is 0 (caching off)", () => {
    const cache = new BoundedCache<string>(0, clock);
    cache.set("k", "v", 9_999);
    assert.equal(cache.get("k"), undefined);
    assert.equal(cache.size, 0);
  });
});
