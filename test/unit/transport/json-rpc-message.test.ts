import assert from "node:assert/strict";
import fc from "fast-check";
import { JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import { readMessage } from "../../../src/transport/json-rpc-message";

/** Request-shaped values, valid and not: every envelope field drawn from right and wrong types. */
const envelope = fc.record(
  {
    jsonrpc: fc.constantFrom("2.0", "1.0", 2, undefined),
    id: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.boolean()),
    method: fc.oneof(fc.constantFrom("tools/call", "ping", "tools/list"), fc.integer(), fc.constant(null)),
    params: fc.oneof(
      fc.constant(undefined),
      fc.dictionary(fc.string().filter((k) => k !== "_meta"), fc.jsonValue(), { maxKeys: 3 }),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 2 }),
      fc.string(),
    ),
    extra: fc.oneof(fc.constant(undefined), fc.string()),
  },
  { requiredKeys: ["id", "method"] },
).map(({ extra, ...rest }) => (extra === undefined ? rest : { ...rest, [extra === "" ? "x" : extra]: 1 }));

describe("readMessage (the HTTP body's JSON-RPC messages)", () => {
  it("accepts exactly the request envelopes the SDK's schema accepts", () => {
    fc.assert(
      fc.property(envelope, (value) => {
        const input = JSON.parse(JSON.stringify(value)) as unknown;
        assert.equal(readMessage(input) !== undefined, JSONRPCMessageSchema.safeParse(input).success, JSON.stringify(input));
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses an own __proto__ key on a request, as the strict schema does", () => {
    const input = JSON.parse('{"jsonrpc":"2.0","id":1,"method":"ping","__proto__":{"admin":true}}') as unknown;
    assert.equal(readMessage(input), undefined);
    assert.equal(JSONRPCMessageSchema.safeParse(input).success, false);
  });

  it("leaves notifications and responses to the SDK's schema", () => {
    assert.ok(readMessage({ jsonrpc: "2.0", method: "notifications/initialized" }));
    assert.ok(readMessage({ jsonrpc: "2.0", id: 3, result: {} }));
    assert.ok(readMessage({ jsonrpc: "2.0", id: 3, error: { code: -32601, message: "nope" } }));
    assert.equal(readMessage({ jsonrpc: "2.0", id: 3 }), undefined);
    assert.equal(readMessage([{ jsonrpc: "2.0", id: 1, method: "ping" }]), undefined);
  });

  it("refuses a non-object _meta, and leaves the rest of _meta to the method's own schema", () => {
    assert.equal(readMessage({ jsonrpc: "2.0", id: 1, method: "ping", params: { _meta: 5 } }), undefined);
    assert.ok(readMessage({ jsonrpc: "2.0", id: 1, method: "ping", params: { _meta: { progressToken: "p" } } }));
  });
});
