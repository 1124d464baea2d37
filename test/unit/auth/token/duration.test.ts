import assert from "node:assert/strict";
import { ConfigurationError } from "../../../../src/errors";
import { durationSeconds } from "../../../../src/auth/token/duration";

describe("durationSeconds", () => {
  it("parses numbers of seconds and unit strings", () => {
    assert.equal(durationSeconds(300, "x"), 300);
    assert.equal(durationSeconds("15m", "x"), 900);
    assert.equal(durationSeconds("90s", "x"), 90);
    assert.equal(durationSeconds("1h", "x"), 3600);
    assert.equal(durationSeconds("2d", "x"), 172800);
    assert.equal(durationSeconds("1500ms", "x"), 1);
    assert.equal(durationSeconds("45", "x"), 45);
  });
  it("refuses anything else with a ConfigurationError naming the option", () => {
    for (const bad of ["15 minutes", "-5m", "", "1e3s", Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      assert.throws(() => durationSeconds(bad as string | number, "maxTokenAge"), (err: unknown) => {
        assert.ok(err instanceof ConfigurationError);
        assert.match(err.message, /maxTokenAge/);
        return true;
      });
    }
  });
});
