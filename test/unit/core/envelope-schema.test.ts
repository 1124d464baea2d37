import assert from "node:assert/strict";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { besideEnvelope } from "../../../src/core/modern/envelope";

const ENVELOPE = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "c", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/logLevel": "info",
};
const call = <M>(meta: M) => ({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo", arguments: { text: "hi" }, _meta: meta } });
const schema = besideEnvelope(CallToolRequestSchema);

describe("a 1.x request schema on the 2026 era (besideEnvelope)", () => {
  it("parses the request without the envelope's keys and keeps the rest of _meta", () => {
    const parsed = schema.safeParse(call({ ...ENVELOPE, progressToken: 7, "x.vendor/trace": "t" }));
    assert.ok(parsed.success);
    assert.deepEqual(parsed.data.params._meta, { progressToken: 7, "x.vendor/trace": "t" });
    assert.deepEqual(parsed.data.params.arguments, { text: "hi" });
    const bare = schema.safeParse(call({ ...ENVELOPE }));
    assert.ok(bare.success);
    assert.deepEqual(bare.data.params._meta, {});
  });

  it("leaves the message exactly as it came, and parses a frozen one whole", () => {
    const meta = { ...ENVELOPE, progressToken: "p" };
    const message = call(meta);
    schema.safeParse(message);
    assert.equal(message.params._meta, meta);
    assert.deepEqual(meta, { ...ENVELOPE, progressToken: "p" });
    const frozen = call(Object.freeze({ ...ENVELOPE }));
    Object.freeze(frozen.params);
    const parsed = schema.safeParse(frozen);
    assert.ok(parsed.success);
    assert.equal(frozen.params._meta["io.modelcontextprotocol/protocolVersion"], "2026-07-28");
  });

  it("still refuses what the 1.x schema refuses in _meta", () => {
    const parsed = schema.safeParse(call({ ...ENVELOPE, progressToken: { not: "a token" } }));
    assert.equal(parsed.success, false);
    assert.deepEqual(parsed.error!.issues[0].path, ["params", "_meta", "progressToken"]);
  });

  it("never makes a __proto__ key of _meta a prototype (the 1.x schema drops the key, as it does without the envelope)", () => {
    const meta = JSON.parse(`{"__proto__":{"polluted":true},"io.modelcontextprotocol/protocolVersion":"2026-07-28"}`);
    const parsed = schema.safeParse(call(meta));
    assert.ok(parsed.success);
    const out = parsed.data.params._meta as object;
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal((out as { polluted?: boolean }).polluted, undefined);
    assert.ok(!("io.modelcontextprotocol/protocolVersion" in out));
  });
});
