import assert from "node:assert/strict";
import { useStamp } from "../../../src/transport/use-stamp";

describe("useStamp (last-use scores of shared sessions)", () => {
  it("is strictly increasing even across thousands of calls in one millisecond, and tracks the wall clock", () => {
    // Date.now() scores tied within a millisecond, and Redis then ranked tied sessions by their random ids.
    const stamps = Array.from({ length: 10_000 }, useStamp);
    for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i] > stamps[i - 1], `stamp ${i} does not follow ${i - 1}`);
    assert.ok(Math.abs(stamps[0] - Date.now()) < 1_000);
  });
});
