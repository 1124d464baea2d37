import assert from "node:assert/strict";
import { answerText, completeResult, serverMetaOf } from "../../../src/core/modern/modern-results";

const meta = serverMetaOf({ name: "svc", version: "1.2.3" });
const answer = (method: string, result: object) => ({ jsonrpc: "2.0", id: 7, result: completeResult(method, result, meta) });

describe("2026-07-28 results", () => {
  it("completeResult adds resultType, the cache hints of lists and reads, and the server's identity", () => {
    assert.deepEqual(completeResult("tools/list", { tools: [] }, meta), {
      tools: [],
      resultType: "complete",
      ttlMs: 0,
      cacheScope: "private",
      _meta: { "io.modelcontextprotocol/serverInfo": { name: "svc", version: "1.2.3" } },
    });
    // A handler's own _meta is kept beside the identity; a __proto__ key stays a plain key, as a spread keeps it.
    const own = completeResult("tools/call", JSON.parse('{"__proto__":{"polluted":true},"content":[],"_meta":{"trace":"t"}}'), meta);
    assert.deepEqual(own._meta, { trace: "t", "io.modelcontextprotocol/serverInfo": { name: "svc", version: "1.2.3" } });
    assert.equal(Object.getPrototypeOf(own), Object.prototype);
    assert.ok(Object.hasOwn(own, "__proto__"));
  });

  it("answerText writes exactly what JSON.stringify writes, with the identity's text made once", () => {
    const answers: object[] = [
      answer("tools/call", { content: [{ type: "text", text: 'quote " and \u2028' }], isError: false }),
      answer("tools/list", { tools: [{ name: "a", inputSchema: { type: "object" } }], nextCursor: "c" }),
      answer("ping", {}),
      answer("tools/call", { content: [], _meta: { trace: "t" } }),
      { jsonrpc: "2.0", id: "x", error: { code: -32602, message: "Invalid params" } },
      { jsonrpc: "2.0", id: 1, result: { content: [] } },
    ];
    for (const a of answers) assert.equal(answerText(a), JSON.stringify(a));
    // The answer is left as it was found.
    const a = answer("tools/call", { content: [] });
    answerText(a);
    assert.equal((a.result as { _meta: unknown })._meta, meta);
  });
});
