import assert from "node:assert/strict";
import { Connection, InFlight } from "../../../src/core/connection";
import { ToolTimeoutError } from "../../../src/errors";

describe("InFlight (one request's signal)", () => {
  it("a signal made after the abort is already aborted with the reason", () => {
    const flight = new InFlight();
    flight.abort("user pressed stop");
    assert.equal(flight.aborted, true);
    assert.equal(flight.signal.aborted, true);
    assert.equal(flight.signal.reason, "user pressed stop");
  });

  it("expire() aborts the signal with the deadline's error but leaves the request answerable", () => {
    const flight = new InFlight();
    const signal = flight.signal;
    const err = new ToolTimeoutError("report", 100);
    flight.expire(err);
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, err);
    assert.equal(flight.aborted, false, "a server deadline is answered, unlike a cancellation");
    // A later cancellation silences the answer but keeps the first reason.
    flight.abort("late cancel");
    assert.equal(flight.aborted, true);
    assert.equal(signal.reason, err);
  });

  it("expire() before the signal is first asked for still aborts it", () => {
    const flight = new InFlight();
    flight.expire(new ToolTimeoutError("report", 100));
    assert.ok(flight.signal.reason instanceof ToolTimeoutError);
  });
});

describe("Connection cancellation", () => {
  it("cancel(id) aborts every in-flight request with that id, and nothing else", () => {
    const connection = new Connection("memory");
    const a = connection.begin(1);
    const b = connection.begin(2);
    connection.cancel(1, "stop");
    assert.equal(a.signal.reason, "stop");
    assert.equal(b.aborted, false);
    connection.close();
    assert.equal(b.aborted, true);
  });
});
