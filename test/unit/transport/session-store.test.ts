import assert from "node:assert/strict";
import type { HttpSession } from "../../../src/transport/http-session";
import { SessionStore } from "../../../src/transport/session-store";

/** Just what the store reads of a session: its id, its owner, its clock and its close. */
function fakeSession(id: string, principal: string) {
  const closers: Array<() => void> = [];
  const session = {
    id,
    principal,
    lastSeen: Date.now(),
    closed: false,
    connection: { onClose: (fn: () => void) => closers.push(fn) },
    close() {
      session.closed = true;
      for (const fn of closers) fn();
    },
  };
  return session;
}

describe("SessionStore", () => {
  const realNow = Date.now;
  afterEach(() => {
    Date.now = realNow;
  });

  it("closes the least recently used session of a principal even when every use falls in one millisecond", () => {
    // A frozen clock is the worst case of a fast machine: recency must come from the order of use.
    const frozen = realNow();
    Date.now = () => frozen;
    const store = new SessionStore(2, 60_000);
    const [a1, a2, b1] = [fakeSession("a1", "alice"), fakeSession("a2", "alice"), fakeSession("b1", "bob")];
    for (const s of [b1, a1, a2]) store.add(s as unknown as HttpSession);
    assert.ok(store.claim("a1", "alice"));
    store.makeRoomFor("alice");
    assert.equal(a2.closed, true, "a2 was used least recently");
    assert.equal(a1.closed, false);
    assert.equal(b1.closed, false, "another principal's session is untouched");
    assert.equal(store.size, 2);
    store.closeAll();
  });

  it("claims only a session's own principal's requests, and does not touch it for anyone else", () => {
    const store = new SessionStore(1, 60_000);
    const a = fakeSession("a", "alice");
    store.add(a as unknown as HttpSession);
    assert.equal(store.claim("a", "bob"), undefined);
    assert.equal(store.claim("missing", "alice"), undefined);
    assert.equal(store.claim("a", "alice"), a as unknown as HttpSession);
    store.closeAll();
    assert.equal(a.closed, true);
  });
});
