import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";

// `npm test` type-checks with TypeScript 7 by emitting into dist/ts7 (pretest). Users compile with 7 too, and its
// emit differs from 5.9's in places: this runs that output, so a construct that 7 emits wrongly fails here.
const TS7 = join(__dirname, "../../ts7/src");

function load<T>(path: string): T {
  const file = join(TS7, path);
  assert.ok(existsSync(`${file}.js`), `${file}.js is missing: run \`npm run typecheck:ts7\` (pretest does) first`);
  return require(file) as T;
}

describe("the framework compiled by TypeScript 7", () => {
  it("serves an authenticated tool call and refuses an unauthenticated one", async () => {
    const sdk = load<typeof import("../../src")>("index");
    const testing = load<typeof import("../../src/testing")>("testing/index");
    const server = sdk.createServer({
      name: "ts7",
      version: "1.0.0",
      logger: sdk.silentLogger,
      authenticate: async (headers) => {
        if (headers["x-api-key"] !== "sk-ts7-0123456789abcdef") throw new Error("Invalid API key");
        return { user: { id: "ops", roles: [] } };
      },
    });
    server.add(sdk.tool({ name: "hello", description: "greets", run: async () => "hi" }));
    const ok = await testing.createTestClient(server, { headers: { "x-api-key": "sk-ts7-0123456789abcdef" } });
    try {
      const result = await ok.callTool("hello");
      assert.deepEqual(result.content, [{ type: "text", text: "hi" }]);
    } finally {
      await ok.close();
    }
    await assert.rejects(testing.createTestClient(server, {}));
  });

  it("opens ioredis clients from URLs (7 once dropped the parentheses of `new (require(...) as T).Redis`)", () => {
    const { RedisLink } = load<typeof import("../../src/auth/redis-link")>("auth/redis-link");
    const link = RedisLink.open("redis://127.0.0.1:1");
    try {
      assert.equal(typeof link.client.get, "function");
    } finally {
      link.close();
    }
    const { RedisIntegrationStore } = load<typeof import("../../src/auth/integrations/redis-integration.store")>("auth/integrations/redis-integration.store");
    const store = new RedisIntegrationStore({ redis: "redis://127.0.0.1:1" });
    return store.close();
  });
});
