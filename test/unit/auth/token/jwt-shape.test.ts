import assert from "node:assert/strict";
import { AuthenticationError, type AuthFailureReason } from "../../../../src/errors";
import { inspectJws, looksLikeJws } from "../../../../src/auth/token/jwt-shape";

const enc = (value: unknown): string => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const SIG = Buffer.from("signature-bytes").toString("base64url");
const jws = (header: unknown, payload: unknown = { sub: "a" }, sig = SIG): string => `${enc(header)}.${enc(payload)}.${sig}`;
const opts = { algorithms: ["RS256", "ES256"] };

function throwsReason(fn: () => unknown, reason: AuthFailureReason): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    return true;
  });
}

describe("inspectJws", () => {
  it("returns the decoded header of a well-formed token", () => {
    const header = inspectJws(jws({ alg: "RS256", kid: "k1", typ: "at+jwt" }), opts);
    assert.deepEqual(header, { alg: "RS256", kid: "k1", typ: "at+jwt" });
  });

  it("requires exactly three segments", () => {
    throwsReason(() => inspectJws(`${enc({ alg: "RS256" })}.${enc({})}`, opts), "malformed_token");
    throwsReason(() => inspectJws(`${jws({ alg: "RS256" })}.extra`, opts), "malformed_token");
    throwsReason(() => inspectJws("abc", opts), "malformed_token");
  });

  it("refuses standard base64 characters and padding", () => {
    const [h, p] = jws({ alg: "RS256" }).split(".");
    throwsReason(() => inspectJws(`${h}.${p}.ab+c`, opts), "malformed_token");
    throwsReason(() => inspectJws(`${h}.${p}.ab/c`, opts), "malformed_token");
    throwsReason(() => inspectJws(`${h}=.${p}.${SIG}`, opts), "malformed_token");
  });

  it("refuses non-canonical base64url (stray bits in the last character)", () => {
    // 16 bytes take 22 characters with 4 unused bits in the last one: "…AB" decodes to the same bytes as "…AA".
    const canonical = Buffer.alloc(16).toString("base64url");
    const stray = `${canonical.slice(0, -1)}B`;
    assert.deepEqual(Buffer.from(stray, "base64url"), Buffer.from(canonical, "base64url"));
    const [h, p] = jws({ alg: "RS256" }).split(".");
    assert.equal(inspectJws(`${h}.${p}.${canonical}`, opts).alg, "RS256");
    throwsReason(() => inspectJws(`${h}.${p}.${stray}`, opts), "malformed_token");
  });

  it("requires header and payload to be JSON objects", () => {
    throwsReason(() => inspectJws(jws(["RS256"]), opts), "malformed_token");
    throwsReason(() => inspectJws(jws('"RS256"'), opts), "malformed_token");
    throwsReason(() => inspectJws(`${enc("{not json")}.${enc({})}.${SIG}`, opts), "malformed_token");
    throwsReason(() => inspectJws(jws({ alg: "RS256" }, [1, 2]), opts), "malformed_token");
    throwsReason(() => inspectJws(jws({ alg: "RS256" }, "just a string"), opts), "malformed_token");
    throwsReason(() => inspectJws(jws({ alg: "RS256" }, "null"), opts), "malformed_token");
    throwsReason(() => inspectJws(`${enc({ alg: "RS256" })}.${enc("{oops")}.${SIG}`, opts), "malformed_token");
  });

  it("refuses invalid UTF-8", () => {
    const bad = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]).toString("base64url");
    throwsReason(() => inspectJws(`${enc({ alg: "RS256" })}.${bad}.${SIG}`, opts), "malformed_token");
  });

  it("refuses alg none in any spelling, even when listed, and algs outside the list", () => {
    throwsReason(() => inspectJws(`${enc({ alg: "none" })}.${enc({})}.`, opts), "unsupported_algorithm");
    throwsReason(() => inspectJws(jws({ alg: "None" }), { algorithms: ["None", "RS256"] }), "unsupported_algorithm");
    throwsReason(() => inspectJws(jws({ alg: "HS256" }), opts), "unsupported_algorithm");
    throwsReason(() => inspectJws(jws({}), opts), "unsupported_algorithm");
    throwsReason(() => inspectJws(jws({ alg: ["RS256"] }), opts), "unsupported_algorithm");
  });

  it("refuses any crit extension it does not implement", () => {
    throwsReason(() => inspectJws(jws({ alg: "RS256", crit: ["exp"], exp: 1 }), opts), "malformed_token");
    throwsReason(() => inspectJws(jws({ alg: "RS256", crit: [] }), opts), "malformed_token");
    throwsReason(() => inspectJws(jws({ alg: "RS256", crit: "x" }), opts), "malformed_token");
    const header = inspectJws(jws({ alg: "RS256", crit: ["x-ok"], "x-ok": true }), { ...opts, knownCrit: ["x-ok"] });
    assert.deepEqual(header.crit, ["x-ok"]);
  });

  it("requires kid, when present, to be a short non-empty string", () => {
    throwsReason(() => inspectJws(jws({ alg: "RS256", kid: 7 }), opts), "malformed_token");
    throwsReason(() => inspectJws(jws({ alg: "RS256", kid: { $ne: 1 } }), opts), "malformed_token");
    throwsReason(() => inspectJws(jws({ alg: "RS256", kid: "" }), opts), "malformed_token");
    throwsReason(() => inspectJws(jws({ alg: "RS256", kid: "k".repeat(257) }), opts), "malformed_token");
    assert.equal(inspectJws(jws({ alg: "RS256", kid: "../../etc/passwd" }), opts).kid, "../../etc/passwd");
  });

  it("refuses an empty signature and oversized tokens", () => {
    throwsReason(() => inspectJws(`${enc({ alg: "RS256" })}.${enc({})}.`, opts), "malformed_token");
    throwsReason(() => inspectJws(jws({ alg: "RS256" }, { pad: "x".repeat(9000) }), opts), "token_too_large");
  });

  it("never echoes token text in error messages", () => {
    try {
      inspectJws(jws({ alg: "RS256", kid: 12345678 }), opts);
      assert.fail("should have thrown");
    } catch (err) {
      assert.ok(err instanceof AuthenticationError);
      assert.ok(!err.message.includes("12345678"));
    }
  });
});

describe("looksLikeJws", () => {
  it("is true for three segments whose first is a JSON object", () => {
    assert.equal(looksLikeJws(jws({ alg: "RS256" })), true);
  });
  it("is false for opaque tokens and two-segment strings", () => {
    assert.equal(looksLikeJws("Zm9vYmFy"), false);
    assert.equal(looksLikeJws("a.b"), false);
    assert.equal(looksLikeJws("a.b.c"), false);
  });
});
