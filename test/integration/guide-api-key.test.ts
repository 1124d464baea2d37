import assert from "node:assert/strict";
import { example, httpClient, rawPost, runToExit, startHttpExample, stdioClient, INIT, type RunningServer } from "../fixtures/processes";

const KEY_NEW = "sk-new-4f1c2a9d7e6b5a4c3d2e1f00";
const KEY_OLD = "sk-old-0a1b2c3d4e5f60718293a4b5";

// Both examples of the guide's "API Key Authentication" section, spawned as real processes.
for (const [label, script] of [
  ["functional (guide sample)", example("api-key/server.js")],
  ["decorators + ApiKeyStrategy", example("api-key-decorators/server.js")],
] as const) {
  describe(`API-key example, ${label}`, () => {
    describe("over Streamable HTTP with the official SDK client", () => {
      let srv: RunningServer;
      before(async () => {
        // Rotation: API_KEY lists the new key and the old one while clients move over (the functional guide
        // sample compares one key, so it gets only the new one).
        srv = await startHttpExample(script, { API_KEY: script.includes("decorators") ? `${KEY_NEW},${KEY_OLD}` : KEY_NEW });
      });
      after(() => srv.stop());

      it("lists and calls tools with the right x-api-key", async () => {
        const client = await httpClient(srv.url, { "x-api-key": KEY_NEW });
        try {
          const names = (await client.listTools()).tools.map((t) => t.name);
          assert.ok(names.includes("echo") && names.includes("server_time"), names.join());
          const r = await client.callTool({ name: "echo", arguments: { text: "hi there" } });
          assert.deepEqual(r.content, [{ type: "text", text: "hi there" }]);
        } finally {
          await client.close();
        }
      });

      it("refuses a missing key and a wrong key with 401, WWW-Authenticate and JSON-RPC -32001", async () => {
        for (const headers of [{}, { "x-api-key": "sk-wrong" }] as Record<string, string>[]) {
          const r = await rawPost(srv.url, INIT, headers);
          assert.equal(r.status, 401);
          assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer error="invalid_token", error_description="[^"]+"/);
          assert.equal(r.json.error.code, -32001);
          assert.equal(r.json.id, 1);
        }
        await assert.rejects(httpClient(srv.url, { "x-api-key": "sk-wrong" }), /-32001/);
      });

      it("keeps serving after hostile requests", async () => {
        assert.equal((await rawPost(srv.url, "{not json", { "x-api-key": KEY_NEW })).status, 400);
        assert.equal((await rawPost(srv.url, INIT, { "x-api-key": "\u00ff".repeat(10) })).status, 401);
        const client = await httpClient(srv.url, { "x-api-key": KEY_NEW });
        await client.close();
      });

      if (script.includes("decorators")) {
        it("accepts the old key while it is still listed, with its own key id", async () => {
          const client = await httpClient(srv.url, { "x-api-key": KEY_OLD });
          try {
            const who = await client.callTool({ name: "whoami", arguments: {} });
            assert.match(JSON.stringify(who.structuredContent), /"keyId":"key-[0-9a-f]{8}"/);
          } finally {
            await client.close();
          }
        });

        it("refuses the old key once rotated out of API_KEY", async () => {
          const rotated = await startHttpExample(script, { API_KEY: KEY_NEW });
          try {
            assert.equal((await rawPost(rotated.url, INIT, { "x-api-key": KEY_OLD })).status, 401);
            assert.equal((await rawPost(rotated.url, INIT, { "x-api-key": KEY_NEW })).status, 200);
          } finally {
            await rotated.stop();
          }
        });
      }
    });

    describe("over stdio, key in the child's env as the guide's client configuration passes it", () => {
      it("serves the official SDK client, with nothing but JSON-RPC on stdout", async () => {
        const run = await stdioClient(script, { API_KEY: KEY_NEW });
        try {
          const r = await run.client.callTool({ name: "echo", arguments: { text: "over stdio" } });
          assert.deepEqual(r.content, [{ type: "text", text: "over stdio" }]);
          assert.ok((await run.client.listTools()).tools.length >= 2);
        } finally {
          await run.close();
        }
      });

      it("fails closed: without API_KEY, one clear stderr line, exit 1, nothing on stdout", async () => {
        const r = await runToExit(process.execPath, [script, "--stdio"], {});
        assert.equal(r.code, 1);
        assert.equal(r.stdout, "");
        const lines = r.stderr.trim().split("\n");
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0], /(authentication failed at start-up|configuration error: ApiKeyStrategy has no keys).*API_KEY/);
      });

    });
  });
}

describe("npm start default (no API_KEY): generates a development key and prints how to use it", () => {
  it("prints the key, a curl and an Inspector command to stderr, and the key works", async () => {
    const srv = await startHttpExample(example("api-key/server.js"), { API_KEY: undefined });
    try {
      await new Promise<void>((resolve) => {
        const check = () => (/inspector-cli/.test(srv.stderr()) ? resolve() : srv.child.stderr!.once("data", check));
        check();
      });
      const key = /API_KEY=(sk-dev-\S+)/.exec(srv.stderr())?.[1];
      assert.ok(key, srv.stderr());
      assert.match(srv.stderr(), /curl -s http:\/\/127\.0\.0\.1:\d+\/mcp/);
      assert.equal(srv.stdout(), "");
      assert.equal((await rawPost(srv.url, INIT, { "x-api-key": key })).status, 200);
      assert.equal((await rawPost(srv.url, INIT)).status, 401);
    } finally {
      await srv.stop();
    }
  });
});
