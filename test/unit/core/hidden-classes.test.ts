import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * V8 (Node 20) gives `{ ...object, more }` a new hidden class on every call once the code is optimised: objects
 * built that way on the request path cost a map allocation each (old space), slow property stores and, with
 * enough requests, full GCs. This run checks with V8's own `%HaveSameMap`, in a child with natives syntax,
 * that what the request path builds per request keeps one shape after 20,000 optimised calls.
 */
const SCRIPT = `
const { readEnvelope } = require(${JSON.stringify(join(__dirname, "../../../src/core/modern/envelope.js"))});
const { completeResult, serverMetaOf } = require(${JSON.stringify(join(__dirname, "../../../src/core/modern/modern-results.js"))});
const { inboundTo } = require(${JSON.stringify(join(__dirname, "../../../src/core/request-pipeline.js"))});
const meta = serverMetaOf({ name: "s", version: "1" });
const envelope = { "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientInfo": { name: "c", version: "1" }, "io.modelcontextprotocol/clientCapabilities": {} };
const who = { principal: undefined, decisions: {}, clientAddress: "127.0.0.1", envelope: undefined };
const builders = {
  inboundTo: (i) => inboundTo({ connection: { i }, principal: undefined, decisions: {}, clientAddress: "127.0.0.1", envelope: undefined }, { open: false }),
  completeResult: (i) => completeResult("tools/call", { content: [{ type: "text", text: "t" + i }] }, meta),
  "completeResult (list)": (i) => completeResult("tools/list", { tools: [], nextCursor: "c" + i }, meta),
  "key before spread (the stateless inbound)": (i) => ({ connection: { i }, ...who }),
  readEnvelope: (i) => readEnvelope(JSON.parse(JSON.stringify({ jsonrpc: "2.0", id: i, method: "tools/call", params: { name: "echo", _meta: envelope } }))),
};
const out = {};
for (const [name, build] of Object.entries(builders)) {
  const first = build(0);
  for (let i = 1; i < 20000; i++) build(i);
  const a = build(20001), b = build(20002);
  out[name] = %HaveSameMap(first, a) && %HaveSameMap(a, b);
}
process.stdout.write(JSON.stringify(out));
`;

describe("objects built per request keep one hidden class", () => {
  it("inboundTo, completeResult and readEnvelope: the same map after 20,000 optimised calls (a spread gave a new one each time)", () => {
    const out = JSON.parse(execFileSync(process.execPath, ["--allow-natives-syntax", "-e", SCRIPT], { encoding: "utf8" })) as Record<string, boolean>;
    assert.deepEqual(out, { inboundTo: true, completeResult: true, "completeResult (list)": true, "key before spread (the stateless inbound)": true, readEnvelope: true });
  });
});
