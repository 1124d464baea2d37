import assert from "node:assert/strict";
import { DEFAULT_DRAIN_TIMEOUT_MS, PendingWork, drainTimeout } from "../../../src/core/pending-work";

describe("PendingWork (what a drain waits for)", () => {
  it("is idle at once when nothing is pending", async () => {
    assert.equal(await new PendingWork().idle(60_000), true);
  });

  it("becomes idle when the last pending work settles, fulfilled or rejected", async () => {
    const work = new PendingWork();
    let finish!: () => void;
    let fail!: (err: Error) => void;
    const a = work.add(new Promise<void>((resolve) => (finish = resolve)));
    const b = work.add(new Promise<void>((_resolve, reject) => (fail = reject)));
    assert.equal(work.size, 2);
    const idle = work.idle(60_000);
    finish();
    await a;
    assert.equal(work.size, 1);
    fail(new Error("tool failed"));
    await assert.rejects(b, /tool failed/);
    assert.equal(await idle, true);
    assert.equal(work.size, 0);
  });

  it("answers false when the deadline passes first, and counts what is still pending", async () => {
    const work = new PendingWork();
    void work.add(new Promise(() => undefined));
    assert.equal(await work.idle(0), false);
    assert.equal(work.size, 1);
  });

  it("reads the deadline: a number ≥ 0, capped where timers stop counting; anything else is the 10 s default", () => {
    assert.equal(drainTimeout(undefined), DEFAULT_DRAIN_TIMEOUT_MS);
    assert.equal(DEFAULT_DRAIN_TIMEOUT_MS, 10_000);
    assert.equal(drainTimeout({ timeoutMs: 0 }), 0);
    assert.equal(drainTimeout({ timeoutMs: 2500 }), 2500);
    assert.equal(drainTimeout({ timeoutMs: Infinity }), 2 ** 31 - 1);
    assert.equal(drainTimeout({ timeoutMs: -1 }), DEFAULT_DRAIN_TIMEOUT_MS);
    assert.equal(drainTimeout({ timeoutMs: Number.NaN }), DEFAULT_DRAIN_TIMEOUT_MS);
  });
});
