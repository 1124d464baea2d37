// Integration tokens over real HTTP with the official SDK client: a tool needing GitHub asks the caller to
// connect with MCP's URL elicitation (-32042), the framework's own /oauth/callback redeems the code (PKCE) at a
// local FakeOAuthProvider, stores the token encrypted, and the retried call succeeds.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitationCompleteNotificationSchema, ElicitRequestSchema, UrlElicitationRequiredError } from "@modelcontextprotocol/sdk/types.js";
import { Redis } from "ioredis";
import { ApiKeyStrategy, createServer, type HttpListenOptions, MemoryIntegrationStore, RedisIntegrationStore, tool, type CraftServer, type IntegrationsOptions, type IntegrationStore, type SealingKey } from "../../src";
import { FakeOAuthProvider } from "../../src/testing";
import { assertNoLeak, capture, type Capture } from "../fixtures/oauth";
import { describeWithRedis, startRedis, type RedisProcess } from "../fixtures/redis";

const KEYS = { alice: randomBytes(24).toString("base64url"), bob: randomBytes(24).toString("base64url") };
const sealingKey = (id: string): SealingKey => ({ id, key: randomBytes(32) });

/** A memory store that also keeps every value written, to look at the bytes at rest. */
class SpyStore extends MemoryIntegrationStore {
  readonly written: string[] = [];
  override async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.written.push(value);
    return super.set(key, value, ttlMs);
  }
}

interface Instance {
  server: CraftServer;
  url: string;
  origin: string;
  cap: Capture;
}

async function startInstance(
  github: FakeOAuthProvider,
  store: IntegrationStore,
  encryptionKeys: SealingKey[],
  refreshBeforeExpiry = "60s",
  more: Partial<IntegrationsOptions> = {},
  listen: Partial<HttpListenOptions> = {},
): Promise<Instance> {
  const cap = capture();
  const server = createServer({
    name: "repos",
    auth: new ApiKeyStrategy({ keys: [{ id: "alice", key: KEYS.alice, subject: "alice" }, { id: "bob", key: KEYS.bob, subject: "bob" }] }),
    integrations: {
      providers: {
        github: { authorizationEndpoint: github.authorizationEndpoint, tokenEndpoint: github.tokenEndpoint, revocationEndpoint: github.revocationEndpoint, clientId: github.clientId, clientSecret: github.clientSecret, scopes: ["repo"], displayName: "GitHub" },
      },
      store,
      encryptionKeys,
      refreshBeforeExpiry,
      ...more,
    },
    logger: cap.logger,
    onAudit: cap.onAudit,
    rateLimit: false,
  });
  server.add(
    tool({
      name: "list_repos",
      description: "The caller's GitHub login, read with their own GitHub token",
      input: {},
      integrations: ["github"],
      run: async (_args, ctx) => {
        const res = await fetch(github.userEndpoint, { headers: { authorization: `Bearer ${await ctx.integration("github").token()}` } });
        return { status: res.status, ...((await res.json()) as object) };
      },
    }),
    tool({ name: "disconnect_github", description: "Forget the caller's GitHub token", input: {}, run: async (_a, ctx) => (await ctx.integration("github").revoke(), "disconnected") }),
  );
  const { url } = await server.listen({ port: 0, ...listen });
  const origin = new URL(url).origin;
  github.allowRedirectUri(`${origin}/oauth/callback`);
  return { server, url, origin, cap };
}

async function clientFor(instance: Instance, user: keyof typeof KEYS): Promise<Client> {
  return (await sessionFor(instance, user)).client;
}

async function sessionFor(instance: Instance, user: keyof typeof KEYS): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: "test", version: "1.0.0" }, { capabilities: { elicitation: { url: {} } } });
  const transport = new StreamableHTTPClientTransport(new URL(instance.url), { requestInit: { headers: { "x-api-key": KEYS[user] } } });
  await client.connect(transport);
  return { client, transport };
}

/** The provider's consent, given: the redirect back to the callback, not yet followed. */
async function consented(connectLink: string): Promise<URL> {
  const consent = await fetch(connectLink, { redirect: "manual" });
  assert.equal(consent.status, 302);
  return new URL(consent.headers.get("location")!);
}

/** The call is answered with -32042; returns the one URL it asks to open. */
async function connectUrl(client: Client): Promise<string> {
  const err = await client.callTool({ name: "list_repos", arguments: {} }).then(
    (r) => assert.fail(`expected a URL elicitation, got ${JSON.stringify(r)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof UrlElicitationRequiredError, String(err));
  assert.equal(err.code, -32042);
  assert.equal(err.elicitations.length, 1);
  const [elicitation] = err.elicitations;
  assert.equal(elicitation.mode, "url");
  assert.match(elicitation.message, /GitHub/);
  assert.ok(elicitation.elicitationId);
  return elicitation.url;
}

async function login(client: Client): Promise<unknown> {
  const r = await client.callTool({ name: "list_repos", arguments: {} });
  assert.equal(r.isError, undefined, JSON.stringify(r));
  return (r.structuredContent as { login: string }).login;
}

describe("integration tokens: the URL-elicitation connect flow", () => {
  let github: FakeOAuthProvider;
  let store: SpyStore;
  let keys: SealingKey[];
  let a: Instance;
  const clients: Client[] = [];
  const client = async (user: keyof typeof KEYS, instance = a) => {
    const c = await clientFor(instance, user);
    clients.push(c);
    return c;
  };

  before(async () => {
    github = await FakeOAuthProvider.start();
    store = new SpyStore();
    keys = [sealingKey("k1")];
    a = await startInstance(github, store, keys, "10s");
  });
  after(async () => {
    for (const c of clients) await c.close();
    await a?.server.close();
    await github?.stop();
  });

  it("asks to connect, the callback stores the token encrypted, and the retried call succeeds", async () => {
    const alice = await client("alice");
    const url = new URL(await connectUrl(alice));
    assert.equal(url.origin + url.pathname, github.authorizationEndpoint);
    assert.equal(url.searchParams.get("redirect_uri"), `${a.origin}/oauth/callback`);
    assert.equal(url.searchParams.get("code_challenge_method"), "S256");
    assert.ok((url.searchParams.get("state") ?? "").length >= 43);
    github.user = "octocat";
    const page = await github.approve(url.href);
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /Connected/);
    assert.equal(await login(alice), "octocat");
    const tokens = github.issuedTokens();
    assert.equal(tokens.length, 2, "one access and one refresh token");
    assert.ok(store.written.length >= 2);
    for (const value of store.written) assert.match(value, /^v1\.k1\./);
    assertNoLeak("the stored bytes", store.written.join("\n"), tokens);
  });

  it("a forged or replayed state is refused, and a replay redeems nothing", async () => {
    const forged = await fetch(`${a.origin}/oauth/callback?state=${randomBytes(32).toString("base64url")}&code=x`);
    assert.equal(forged.status, 400);
    assert.match(await forged.text(), /invalid, expired or already used/);
    const bob = await client("bob");
    const consent = await fetch(await connectUrl(bob), { redirect: "manual" });
    const callback = consent.headers.get("location")!;
    assert.equal((await fetch(callback)).status, 200);
    const redemptions = github.stats.codeRedemptions;
    const replay = await fetch(callback);
    assert.equal(replay.status, 400);
    assert.equal(github.stats.codeRedemptions, redemptions, "the replayed code never reached the provider");
  });

  it("each user gets their own token: the state binds the connection to who asked", async () => {
    github.user = "hubot";
    const bob = await client("bob");
    // bob connected in the previous test as octocat's browser; he reconnects as hubot
    await bob.callTool({ name: "disconnect_github", arguments: {} });
    assert.equal((await github.approve(await connectUrl(bob))).status, 200);
    assert.equal(await login(bob), "hubot");
    assert.equal(await login(await client("alice")), "octocat");
  });

  it("a token is refreshed before it expires", async () => {
    github.accessTokenLifetime = 5;
    github.user = "monalisa";
    try {
      const bob = await client("bob");
      await bob.callTool({ name: "disconnect_github", arguments: {} });
      assert.equal((await github.approve(await connectUrl(bob))).status, 200);
      github.accessTokenLifetime = 3600;
      const refreshes = github.stats.refreshes;
      // 5 s left is inside refreshBeforeExpiry (10 s): this call renews the token first, and GitHub accepts the new one
      assert.equal(await login(bob), "monalisa");
      assert.equal(github.stats.refreshes - refreshes, 1);
    } finally {
      github.accessTokenLifetime = 3600;
    }
  });

  it("revoking deletes the stored token (and revokes it at the provider): the next call asks again", async () => {
    const alice = await client("alice");
    const revocations = github.stats.revocations;
    await alice.callTool({ name: "disconnect_github", arguments: {} });
    assert.equal(github.stats.revocations - revocations, 1);
    await connectUrl(alice);
  });

  it("a refresh the provider refuses forgets the token and asks to connect again", async () => {
    github.accessTokenLifetime = 5;
    try {
      const bob = await client("bob");
      await bob.callTool({ name: "disconnect_github", arguments: {} });
      assert.equal((await github.approve(await connectUrl(bob))).status, 200);
      github.revokeUser(github.user);
      await connectUrl(bob);
    } finally {
      github.accessTokenLifetime = 3600;
    }
  });

  it("key rotation: a token sealed with the old key opens with the new ring and is re-sealed with the new key", async () => {
    github.user = "rotator";
    const alice = await client("alice");
    assert.equal((await github.approve(await connectUrl(alice))).status, 200);
    const rotated = await startInstance(github, store, [sealingKey("k2"), keys[0]], "10s");
    try {
      const before = store.written.length;
      assert.equal(await login(await client("alice", rotated)), "rotator");
      assert.ok(store.written.slice(before).some((v) => v.startsWith("v1.k2.")), "re-sealed under k2");
    } finally {
      await rotated.server.close();
    }
  });

  it("with confirmUser, a connect link opened by another signed-in user is refused and spent", async () => {
    const confirmed = await startInstance(github, new MemoryIntegrationStore(), keys, "10s", {
      confirmUser: (req) => /(?:^|;\s*)app_user=([^;]+)/.exec(req.headers.cookie ?? "")?.[1],
    });
    try {
      const alice = await client("alice", confirmed);
      const url = await connectUrl(alice);
      const redemptions = github.stats.codeRedemptions;
      const wrong = await github.approve(url, { cookie: "app_user=bob" });
      assert.equal(wrong.status, 400);
      assert.match(wrong.text, /another user/);
      assert.equal(github.stats.codeRedemptions, redemptions, "no code was redeemed for the wrong user");
      assert.equal((await github.approve(url, { cookie: "app_user=alice" })).status, 400, "the link is spent");
      github.user = "alice-gh";
      assert.equal((await github.approve(await connectUrl(alice), { cookie: "app_user=alice" })).status, 200);
      assert.equal(await login(alice), "alice-gh");
    } finally {
      await confirmed.server.close();
    }
  });

  it("with awaitConnection, the call asks with elicitation/create, waits for the callback and goes on", async () => {
    const waiting = await startInstance(github, new MemoryIntegrationStore(), keys, "10s", { awaitConnection: true });
    try {
      const bob = await client("bob", waiting);
      const completed: string[] = [];
      bob.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => {
        completed.push(n.params.elicitationId);
      });
      let asked: { mode?: string; elicitationId?: string } = {};
      bob.setRequestHandler(ElicitRequestSchema, async (req) => {
        asked = req.params as typeof asked;
        github.user = "inline-user";
        assert.equal((await github.approve((req.params as { url: string }).url)).status, 200);
        return { action: "accept" };
      });
      assert.equal(await login(bob), "inline-user", "the first call itself succeeded");
      assert.equal(asked.mode, "url");
      assert.deepEqual(completed, [asked.elicitationId]);
    } finally {
      await waiting.server.close();
    }
  });

  it("a connect link asked for from a session that has ended since is refused, and redeems nothing", async () => {
    const { client: carol, transport } = await sessionFor(a, "alice");
    clients.push(carol);
    await carol.callTool({ name: "disconnect_github", arguments: {} });
    const callback = await consented(await connectUrl(carol));
    await transport.terminateSession();
    const redemptions = github.stats.codeRedemptions;
    const page = await fetch(callback);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /session that asked for this link has ended/);
    assert.equal(github.stats.codeRedemptions, redemptions, "no code was redeemed for a session that is gone");
    assert.equal((await fetch(callback)).status, 400, "and the link is spent");
    assert.ok(a.cap.lines.some((l) => l.includes("integration.session_ended")));
  });

  it("on MCP 2026-07-28 the connect link is an input_required URL elicitation, and the call goes on once connected", async () => {
    const client = new ClientV2({ name: "v2", version: "2.4.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { elicitation: { url: {} } } });
    const asked: { mode?: string; url?: string }[] = [];
    client.setRequestHandler("elicitation/create", async (req) => {
      const params = req.params as { mode?: string; url?: string };
      asked.push(params);
      github.user = "modern-user";
      assert.equal((await github.approve(params.url!)).status, 200);
      return { action: "accept" as const };
    });
    await client.connect(new HttpV2(new URL(a.url), { requestInit: { headers: { "x-api-key": KEYS.alice } } }));
    clients.push(client as unknown as Client);
    try {
      await client.callTool({ name: "disconnect_github", arguments: {} });
      const r = await client.callTool({ name: "list_repos", arguments: {} });
      assert.equal((r.structuredContent as { login: string }).login, "modern-user");
      assert.equal(asked.length, 1);
      assert.equal(asked[0].mode, "url");
      assert.equal(new URL(asked[0].url!).origin + new URL(asked[0].url!).pathname, github.authorizationEndpoint);
    } finally {
      await client.close();
    }
  });

  it("no token, refresh token, client secret, code or state appears in any log line or client-visible message", () => {
    const secrets = [...github.issuedTokens(), github.clientSecret, KEYS.alice, KEYS.bob];
    assertNoLeak("log lines", a.cap.all(), secrets);
    assert.ok(a.cap.lines.some((l) => l.includes("integration.connected")));
    assert.ok(!/state=|code=/.test(a.cap.all()), "no callback query in the logs");
  });
});

describeWithRedis("integration tokens: two instances share the Redis store", () => {
  let redis: RedisProcess;
  let github: FakeOAuthProvider;
  let one: Instance;
  let two: Instance;
  const clients: Client[] = [];
  before(async () => {
    redis = await startRedis();
    github = await FakeOAuthProvider.start();
    const keys = [sealingKey("shared")];
    // Both behind one balancer: sessions in Redis, so a callback may reach the instance that did not ask.
    one = await startInstance(github, new RedisIntegrationStore({ redis: redis.url, prefix: "t1:" }), keys, "60s", {}, { sessions: { redis: redis.url } });
    two = await startInstance(github, new RedisIntegrationStore({ redis: redis.url, prefix: "t1:" }), keys, "60s", {}, { sessions: { redis: redis.url } });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await one?.server.close();
    await two?.server.close();
    await github?.stop();
    await redis?.stop();
  });

  it("a user connected through one instance is served by the other; Redis holds only sealed values", async () => {
    const onOne = await clientFor(one, "alice");
    const onTwo = await clientFor(two, "alice");
    clients.push(onOne, onTwo);
    github.user = "shared-user";
    assert.equal((await github.approve(await connectUrl(onOne))).status, 200);
    assert.equal(await login(onTwo), "shared-user");
    const raw = new Redis(redis.url);
    try {
      const keys = await raw.keys("t1:*");
      assert.ok(keys.length >= 1);
      const values = await Promise.all(keys.map((k) => raw.get(k)));
      assertNoLeak("Redis", values.join("\n") + keys.join("\n"), [...github.issuedTokens(), "alice"]);
    } finally {
      raw.disconnect();
    }
  });

  it("a callback reaching the other instance connects while the asking session lives there too, and not once it ended", async () => {
    const viaTwo = (callback: URL) => new URL(callback.pathname + callback.search, two.origin);
    const { client: bob, transport } = await sessionFor(one, "bob");
    clients.push(bob);
    github.user = "bob-shared";
    assert.equal((await fetch(viaTwo(await consented(await connectUrl(bob))))).status, 200, "the session is live in Redis for both");
    assert.equal(await login(bob), "bob-shared");
    await bob.callTool({ name: "disconnect_github", arguments: {} });
    const callback = viaTwo(await consented(await connectUrl(bob)));
    await transport.terminateSession();
    const page = await fetch(callback);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /session that asked for this link has ended/);
  });
});
