import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ApiKeyStrategy, createServer, silentLogger, tool, type CraftServer } from "../../src";
import { INIT, rawPost } from "../fixtures/processes";

const KEY = "sk-deferred-0123456789abcdef";

/**
 * A stateful POST that is not resumable is answered as JSON when its answer is ready within the turn it arrived
 * in, and as SSE when it is not or when anything but answers has to go out first (DeferredSse).
 */
describe("stateful answers: JSON when ready at once, SSE otherwise", () => {
  let server: CraftServer;
  let url: string;
  let gate = newGate();
  let session: Record<string, string>;

  before(async () => {
    server = createServer({ name: "deferred", logger: silentLogger, rateLimit: false, auth: new ApiKeyStrategy({ keys: [KEY] }) });
    server.add(tool({ name: "quick", description: "answers at once", input: {}, run: () => "quick" }));
    server.add(
      tool({
        name: "held",
        description: "answers when released",
        input: {},
        run: () => {
          gate.enter();
          return gate.released;
        },
      }),
    );
    server.add(
      tool({
        name: "chatty",
        description: "reports progress, then answers",
        input: {},
        run: async (_args, ctx) => {
          await ctx.progress(1, 1, "half way");
          return "chatty";
        },
      }),
    );
    ({ url } = await server.listen({ port: 0 }));
    const init = await rawPost(url, INIT, { "x-api-key": KEY });
    session = { "x-api-key": KEY, "mcp-session-id": init.headers.get("mcp-session-id")!, "mcp-protocol-version": "2025-11-25" };
  });
  after(() => server.close());

  const call = (name: string, extra: Record<string, unknown> = {}) => ({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name, arguments: {}, ...extra } });

  it("an answer ready within the turn leaves as one JSON body, with content-length", async () => {
    const r = await rawPost(url, call("quick"), session);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.equal(Number(r.headers.get("content-length")), Buffer.byteLength(r.text));
    assert.deepEqual(r.json, { jsonrpc: "2.0", id: 7, result: { content: [{ type: "text", text: "quick" }] } });
  });

  it("a slower answer turns into SSE: the client has its 200 before the tool is done", async () => {
    gate = newGate();
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...session }, body: JSON.stringify(call("held")) });
    // fetch resolves on the response head: the tool is still waiting here.
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    gate.release("held");
    assert.match(await res.text(), /^event: message\ndata: \{"jsonrpc":"2.0","id":7,"result":\{"content":\[\{"type":"text","text":"held"\}\]\}\}\n\n$/m);
  });

  it("a progress notification turns it into SSE, the notification before the answer", async () => {
    const r = await rawPost(url, call("chatty", { _meta: { progressToken: "p1" } }), session);
    assert.equal(r.headers.get("content-type"), "text/event-stream");
    const events = [...r.text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]) as { method?: string; id?: number });
    assert.deepEqual(events.map((e) => e.method ?? `answer ${e.id}`), ["notifications/progress", "answer 7"]);
  });

  it("the SDK client reads both forms in one session", async () => {
    const client = new Client({ name: "both", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { "x-api-key": KEY } } }));
    try {
      assert.deepEqual((await client.callTool({ name: "quick", arguments: {} })).content, [{ type: "text", text: "quick" }]);
      assert.deepEqual((await client.callTool({ name: "chatty", arguments: {} })).content, [{ type: "text", text: "chatty" }]);
      gate = newGate();
      const held = client.callTool({ name: "held", arguments: {} });
      await gate.entered;
      gate.release("held");
      assert.deepEqual((await held).content, [{ type: "text", text: "held" }]);
    } finally {
      await client.close();
    }
  });
});

/** A tool's entry, awaited by the test, and its answer, given by the test. */
function newGate() {
  let enter!: () => void;
  let release!: (answer: string) => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  const released = new Promise<string>((resolve) => (release = resolve));
  return { enter, entered, release, released };
}
