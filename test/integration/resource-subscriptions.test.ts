import assert from "node:assert/strict";
import { ResourceListChangedNotificationSchema, ResourceUpdatedNotificationSchema, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { inject, injectable } from "tsyringe";
import { ApiKeyStrategy, createServer, Ctx, resource, Resource, RESOURCE_SUBSCRIPTIONS, Server, silentLogger, Tool, type ResourceSubscriptions, type ToolContext } from "../../src";
import { createTestClient, type TestClient } from "../../src/testing";

/** Collects the URIs of resources/updated notifications a client receives. */
function updatesOf(t: TestClient): string[] {
  const seen: string[] = [];
  t.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    seen.push(n.params.uri);
  });
  return seen;
}

describe("resource subscriptions (resources/subscribe, notifications/resources/updated)", () => {
  function build() {
    const server = createServer({
      name: "subs",
      logger: silentLogger,
      auth: new ApiKeyStrategy({ keys: [{ id: "ops", key: "sk-ops-0123456789", roles: ["ops"] }, { id: "guest", key: "sk-guest-0123456789" }] }),
    });
    server.add(
      resource({ uri: "config://app", read: () => "theme=dark" }),
      resource({ uri: "metrics://{host}", read: (_uri, { host }) => `load(${host})=0.1` }),
      resource({ uri: "secrets://vault", roles: ["ops"], read: () => "…" }),
    );
    return server;
  }

  it("notifies exactly the subscribed connections, for fixed URIs and template matches, until they unsubscribe", async () => {
    const server = build();
    const a = await createTestClient(server, { headers: { "x-api-key": "sk-guest-0123456789" } });
    const b = await createTestClient(server, { headers: { "x-api-key": "sk-ops-0123456789" } });
    const seenA = updatesOf(a);
    const seenB = updatesOf(b);
    try {
      assert.equal(a.client.getServerCapabilities()?.resources?.subscribe, true);
      await a.client.subscribeResource({ uri: "config://app" });
      await a.client.subscribeResource({ uri: "metrics://web-1" });
      await b.client.subscribeResource({ uri: "config://app" });
      assert.equal(await server.notifyResourceUpdated("config://app"), 2);
      assert.equal(await server.notifyResourceUpdated("metrics://web-1"), 1);
      assert.equal(await server.notifyResourceUpdated("metrics://web-2"), 0);
      await a.client.unsubscribeResource({ uri: "config://app" });
      assert.equal(await server.notifyResourceUpdated("config://app"), 1);
      await a.client.ping(); // notifications are delivered in order before this answer
      await b.client.ping();
      assert.deepEqual(seenA, ["config://app", "metrics://web-1"]);
      assert.deepEqual(seenB, ["config://app", "config://app"]);
      await b.close();
      assert.equal(await server.notifyResourceUpdated("config://app"), 0, "a closed connection is forgotten");
    } finally {
      await a.close();
      await b.close().catch(() => {});
    }
  });

  it("subscribing needs the right to read: forbidden → -32003, unknown → -32002", async () => {
    const server = build();
    const guest = await createTestClient(server, { headers: { "x-api-key": "sk-guest-0123456789" } });
    try {
      await assert.rejects(guest.client.subscribeResource({ uri: "secrets://vault" }), (e: { code?: number; message: string }) => e.code === -32003 && /requires role ops/.test(e.message));
      await assert.rejects(guest.client.subscribeResource({ uri: "nope://x" }), (e: { code?: number }) => e.code === -32002);
      assert.equal(await server.notifyResourceUpdated("secrets://vault"), 0);
    } finally {
      await guest.close();
    }
  });

  it("a decorated server's services notify through the injected RESOURCE_SUBSCRIPTIONS", async () => {
    @injectable()
    class Config {
      static theme = "light";
      constructor(@inject(RESOURCE_SUBSCRIPTIONS) private readonly subs: ResourceSubscriptions) {}
      async set(theme: string) {
        Config.theme = theme;
        return this.subs.notifyUpdated("config://theme");
      }
    }
    @Server({ name: "themed" })
    class Themed {
      constructor(private readonly config: Config) {}
      @Resource("config://theme")
      theme() {
        return Config.theme;
      }
      @Tool({ description: "switch theme" })
      async dark(@Ctx() _ctx: ToolContext) {
        return `notified ${await this.config.set("dark")}`;
      }
    }
    const t = await createTestClient(Themed);
    const seen = updatesOf(t);
    try {
      await t.client.subscribeResource({ uri: "config://theme" });
      assert.deepEqual((await t.callTool("dark")).content, [{ type: "text", text: "notified 1" }]);
      await t.client.ping();
      assert.deepEqual(seen, ["config://theme"]);
      assert.match(JSON.stringify(await t.readResource("config://theme")), /dark/);
    } finally {
      await t.close();
    }
  });
});

describe("list changes (notifications/<kind>/list_changed)", () => {
  it("tells every initialized connection, advertises listChanged, and forgets closed connections", async () => {
    const server = createServer({ name: "lists", logger: silentLogger });
    server.add(resource({ uri: "config://app", read: () => "x" }));
    const a = await createTestClient(server);
    const b = await createTestClient(server);
    const seen: string[] = [];
    a.client.setNotificationHandler(ToolListChangedNotificationSchema, () => void seen.push("a:tools"));
    b.client.setNotificationHandler(ToolListChangedNotificationSchema, () => void seen.push("b:tools"));
    b.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void seen.push("b:resources"));
    try {
      assert.equal(a.client.getServerCapabilities()?.tools?.listChanged, true);
      assert.equal(await server.notifyListChanged("tools"), 2);
      assert.equal(await server.notifyListChanged("resources"), 2);
      await a.client.ping();
      await b.client.ping();
      assert.deepEqual(seen.sort(), ["a:tools", "b:resources", "b:tools"]);
      await b.close();
      assert.equal(await server.notifyListChanged("tools"), 1);
    } finally {
      await a.close();
      await b.close().catch(() => {});
    }
  });
});
