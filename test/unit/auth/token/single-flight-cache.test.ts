import assert from "node:assert/strict";
import { SingleFlightCache } from "../../../../src/auth/token/single-flight-cache";

describe("SingleFlightCache", () => {
  it("joins concurrent misses of one key into one load, and reuses the value until its deadline", async () => {
    let now = 1_000;
    const cache = new SingleFlightCache<string>(10, () => now);
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = async () => {
      loads++;
      await gate;
      return { value: `v${loads}`, reuseUntil: now + 100 };
    };
    const all = Promise.all(Array.from({ length: 50 }, () => cache.get("k", load)));
    release();
    assert.deepEqual(new Set(await all), new Set(["v1"]));
    assert.equal(await cache.get("k", load), "v1");
    assert.equal(loads, 1);
    now += 100;
    assert.equal(await cache.get("k", load), "v2");
  });

  it("shares a failure with the callers that waited for it, then keeps nothing", async () => {
    const cache = new SingleFlightCache<string>(10, Date.now);
    let loads = 0;
    const failing = async () => {
      loads++;
      throw new Error("down");
    };
    const results = await Promise.allSettled([cache.get("k", failing), cache.get("k", failing)]);
    assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
    assert.equal(loads, 1);
    assert.equal(await cache.get("k", async () => ({ value: "ok", reuseUntil: Date.now() + 1000 })), "ok");
  });

  it("keeps nothing without a deadline, and stays within its bound", async () => {
    const cache = new SingleFlightCache<number>(2, Date.now);
    let loads = 0;
    await cache.get("once", async () => ({ value: ++loads }));
    await cache.get("once", async () => ({ value: ++loads }));
    assert.equal(loads, 2);
    for (const key of ["a", "b", "c"]) await cache.get(key, async () => ({ value: 1, reuseUntil: Date.now() + 60_000 }));
    assert.equal(cache.stats().entries, 2);
  });
});
