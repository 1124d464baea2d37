// ctx.credentials over real HTTP: an MCP server guarded by OAuthStrategy exchanges the caller's token at a local
// TestIdentityProvider (RFC 8693) and calls a downstream API on 127.0.0.1 with the token it got back.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt } from "jose";
import { createServer, OAuthStrategy, tool, type CraftServer, type OutgoingCredentialsOptions } from "../../src";
import { TestIdentityProvider } from "../../src/testing";
import { assertNoLeak, bearer, call, capture, freePort, rawRequest, type Capture, type RawResponse } from "../fixtures/oauth";

const DOWNSTREAM = "https://repos.api.example";

/** A downstream API that records the bearer tokens it is sent and answers with their claims. */
async function startDownstream(): Promise<{ url: string; tokens: string[]; close(): Promise<void> }> {
  const tokens: string[] = [];
  const server = http.createServer((req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    tokens.push(token);
    const claims = token ? decodeJwt(token) : {};
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sub: claims.sub, aud: claims.aud, act: claims.act, scope: claims.scope }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/whoami`;
  return { url, tokens, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

interface McpUnderTest {
  server: CraftServer;
  url: string;
  cap: Capture;
}

async function startMcp(idp: TestIdentityProvider, downstreamUrl: string, credentials: OutgoingCredentialsOptions): Promise<McpUnderTest> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/mcp`;
  const cap = capture();
  const server = createServer({
    name: "repos",
    auth: new OAuthStrategy({ issuer: idp.issuer, audience: url }),
    credentials,
    logger: cap.logger,
    onAudit: cap.onAudit,
    rateLimit: false,
  });
  server.add(
    tool({
      name: "list_repos",
      description: "Calls the repos API as the caller",
      input: { audience: { type: "string", optional: true } },
      run: async ({ audience }: { audience?: string }, ctx) => {
        const token = await ctx.credentials.exchange({ audience: audience ?? DOWNSTREAM, scopes: ["repo:read"] });
        const res = await fetch(downstreamUrl, { headers: { authorization: `Bearer ${token.accessToken}` } });
        return res.json();
      },
    }),
    tool({
      name: "nightly_report",
      description: "Calls the repos API as the server itself",
      input: {},
      run: async (_args, ctx) => {
        const token = await ctx.credentials.clientCredentials({ audience: DOWNSTREAM, scopes: ["reports:write"] });
        const res = await fetch(downstreamUrl, { headers: { authorization: `Bearer ${token.accessToken}` } });
        return res.json();
      },
    }),
  );
  await server.listen({ port, stateless: true });
  return { server, url, cap };
}

const callTool = (mcp: McpUnderTest, token: string, name: string, args: Record<string, unknown> = {}, id = 2): Promise<RawResponse> =>
  rawRequest(mcp.url, { headers: bearer(token), body: call(name, id, args) });

function structured(res: RawResponse): Record<string, unknown> {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json?.result?.isError, undefined, res.text);
  return res.json.result.structuredContent;
}

describe("ctx.credentials: token exchange and client credentials over real HTTP", function () {
  let idp: TestIdentityProvider;
  let downstream: Awaited<ReturnType<typeof startDownstream>>;
  let mcp: McpUnderTest;
  /** Every credential the run handled and every answer a client saw, for the leak check at the end. */
  const secrets: string[] = [];
  const answers: string[] = [];
  const seen = (res: RawResponse) => {
    answers.push(`${res.text}\n${JSON.stringify(res.headers)}`);
    return res;
  };
  const userToken = (sub: string, audience = mcp.url) => {
    const token = idp.mint({ sub, scope: "repo:read" }, { audience });
    secrets.push(token);
    return token;
  };

  before(async () => {
    idp = await TestIdentityProvider.start();
    downstream = await startDownstream();
    secrets.push(idp.clientSecret);
    mcp = await startMcp(idp, downstream.url, { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret });
  });
  after(async () => {
    await mcp?.server.close();
    await downstream?.close();
    await idp?.stop();
  });

  it("the exchanged token carries the user as sub, the downstream audience and an act naming the server", async () => {
    const incoming = userToken("alice");
    const answer = structured(seen(await callTool(mcp, incoming, "list_repos")));
    assert.deepEqual(answer, { sub: "alice", aud: DOWNSTREAM, act: { sub: idp.clientId }, scope: "repo:read" });
    const sent = downstream.tokens.at(-1)!;
    assert.notEqual(sent, incoming, "the caller's own token is never passed through");
    assert.equal(decodeJwt(sent).iss, idp.issuer);
  });

  it("a second call within the token's lifetime makes no token request", async () => {
    const incoming = userToken("bob");
    structured(seen(await callTool(mcp, incoming, "list_repos")));
    const before = idp.stats.tokenRequests;
    const hitsBefore = mcp.server.credentialStats()!.cache.hits;
    assert.equal(structured(seen(await callTool(mcp, incoming, "list_repos", {}, 3))).sub, "bob");
    assert.equal(idp.stats.tokenRequests, before);
    assert.equal(mcp.server.credentialStats()!.cache.hits, hitsBefore + 1);
    assert.equal(downstream.tokens.at(-1), downstream.tokens.at(-2), "the same exchanged token was reused");
  });

  it("100 concurrent calls needing one exchange make one token request", async () => {
    const incoming = userToken("carol");
    const before = idp.stats.exchangeRequests;
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => callTool(mcp, incoming, "list_repos", {}, 10 + i)));
    for (const res of results) assert.equal(structured(seen(res)).sub, "carol");
    assert.equal(idp.stats.exchangeRequests - before, 1);
  });

  it("another user's call gets its own exchange: tokens are never shared across subjects", async () => {
    const before = idp.stats.exchangeRequests;
    assert.equal(structured(seen(await callTool(mcp, userToken("dave"), "list_repos"))).sub, "dave");
    assert.equal(structured(seen(await callTool(mcp, userToken("erin"), "list_repos"))).sub, "erin");
    assert.equal(idp.stats.exchangeRequests - before, 2);
  });

  it("the authorization server down: 503 with Retry-After and JSON-RPC -32030, nothing sent downstream, not cached", async () => {
    const incoming = userToken("frank");
    structured(seen(await callTool(mcp, incoming, "list_repos")));
    const sentBefore = downstream.tokens.length;
    idp.setMode("down");
    try {
      const res = seen(await callTool(mcp, incoming, "list_repos", { audience: "https://other.api.example" }));
      assert.equal(res.status, 503, res.text);
      assert.equal(res.headers["retry-after"], "5");
      assert.equal(res.json.error.code, -32030);
      assert.equal(res.json.error.message, "Identity provider unavailable");
    } finally {
      idp.setMode("ok");
    }
    assert.equal(downstream.tokens.length, sentBefore);
    assert.equal(structured(seen(await callTool(mcp, incoming, "list_repos", { audience: "https://other.api.example" }))).aud, "https://other.api.example");
  });

  it("a refused exchange answers -32040 credential_refused, and no request goes downstream", async () => {
    const refused = "https://refused.api.example";
    idp.refuseExchangeFor(refused);
    const sentBefore = downstream.tokens.length;
    const res = seen(await callTool(mcp, userToken("grace"), "list_repos", { audience: refused }));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.error, {
      code: -32040,
      message: "The authorization server refused to issue a token for this audience",
      data: { reason: "refused", error: "invalid_target" },
    });
    assert.equal(downstream.tokens.length, sentBefore, "nothing was sent downstream, least of all the caller's token");
  });

  it("client credentials: a token for the server itself, cached", async () => {
    const incoming = userToken("heidi");
    const answer = structured(seen(await callTool(mcp, incoming, "nightly_report")));
    assert.deepEqual(answer, { sub: idp.clientId, aud: DOWNSTREAM, scope: "reports:write" });
    const before = idp.stats.clientCredentialsRequests;
    structured(seen(await callTool(mcp, userToken("ivan"), "nightly_report")));
    assert.equal(idp.stats.clientCredentialsRequests, before, "one server token serves every caller");
  });

  it("private_key_jwt client authentication with a configured token endpoint", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    idp.acceptClientKey(publicKey);
    const keyed = await startMcp(idp, downstream.url, { tokenEndpoint: idp.tokenEndpoint, clientId: idp.clientId, privateKey, privateKeyId: "mcp-1" });
    try {
      const incoming = userToken("judy", keyed.url);
      const metadataBefore = idp.stats.metadataRequests;
      const answer = structured(seen(await callTool(keyed, incoming, "list_repos")));
      assert.deepEqual(answer.act, { sub: idp.clientId });
      assert.equal(answer.sub, "judy");
      assert.ok(idp.stats.metadataRequests - metadataBefore <= 1, "only the incoming side discovers metadata");
      assertNoLeak("log lines", keyed.cap.all(), secrets);
    } finally {
      await keyed.server.close();
    }
  });

  it("a wrong client secret is refused as client_authentication_failed", async () => {
    const wrong = await startMcp(idp, downstream.url, { issuer: idp.issuer, clientId: idp.clientId, clientSecret: "not-the-secret-of-this-client" });
    try {
      const res = seen(await callTool(wrong, userToken("mallory", wrong.url), "list_repos"));
      assert.equal(res.json.error.code, -32040);
      assert.equal(res.json.error.data.reason, "client_authentication_failed");
      assertNoLeak("log lines", wrong.cap.all(), [...secrets, "not-the-secret-of-this-client"]);
    } finally {
      await wrong.server.close();
    }
  });

  it("no credential appears in any log line, audit event or client-visible answer", () => {
    const all = [...secrets, ...downstream.tokens.filter(Boolean)];
    assert.ok(all.length > 10);
    assert.ok(mcp.cap.lines.some((l) => l.includes("credentials.refused")), "the refusal was logged (without credentials)");
    assertNoLeak("log lines and audit events", mcp.cap.all(), all);
    assertNoLeak("answers", answers.join("\n"), all);
  });
});
