// RFC 9728 protected resource metadata over real HTTP: both well-known URLs, the 401 challenge pointing at the
// document, CORS, 404 where no OAuth is configured, and the official SDK client's own discovery and
// client_credentials flow (401 → metadata → authorization server → token for this resource → retry).
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { discoverOAuthProtectedResourceMetadata, extractWWWAuthenticateParams } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ApiKeyStrategy, OAuthStrategy, createServer, tool, type CraftServer } from "../../src";
import { TestIdentityProvider } from "../../src/testing";
import { bearer, freePort, parseChallenge, rawRequest, startServer, type TestServer } from "../fixtures/oauth";

const WELL_KNOWN = "/.well-known/oauth-protected-resource";
const SCOPES = ["repo:read", "repo:write"];

describe("RFC 9728 protected resource metadata", () => {
  let idp: TestIdentityProvider;
  let srv: TestServer;
  let origin: string;

  before(async () => {
    idp = await TestIdentityProvider.start();
    srv = await startServer(
      (url) => new OAuthStrategy({ issuer: idp.issuer, audience: url, resourceMetadata: { scopesSupported: SCOPES, resourceName: "Repo server" } }),
      { stateless: false },
    );
    origin = new URL(srv.url).origin;
    idp.audience = srv.url;
  });
  after(async () => {
    await srv?.close();
    await idp?.stop();
  });

  for (const path of [WELL_KNOWN, `${WELL_KNOWN}/mcp`]) {
    it(`GET ${path} → 200 JSON: resource = the server URL, the issuer, header-only bearer, scopes, CORS`, async () => {
      const res = await fetch(`${origin}${path}`, { headers: { origin: "http://localhost:6274" } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.deepEqual(await res.json(), {
        resource: srv.url,
        authorization_servers: [idp.issuer],
        scopes_supported: SCOPES,
        bearer_methods_supported: ["header"],
        resource_name: "Repo server",
      });
    });
  }

  it("answers a CORS preflight for the metadata (browser-based clients)", async () => {
    const res = await fetch(`${origin}${WELL_KNOWN}/mcp`, { method: "OPTIONS", headers: { origin: "http://localhost:6274", "access-control-request-method": "GET" } });
    assert.ok(res.status === 204 || res.status === 200, String(res.status));
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.match(res.headers.get("access-control-allow-methods") ?? "", /GET/);
  });

  it("the metadata is public: no credential needed, a bad one is ignored, and it never asks for one", async () => {
    const res = await rawRequest(`${origin}${WELL_KNOWN}/mcp`, { method: "GET", headers: bearer("not-a-token") });
    assert.equal(res.status, 200);
    assert.equal(res.headers["www-authenticate"], undefined);
    assert.equal(srv.cap.events.length, 0, "fetching metadata is not an authentication attempt");
  });

  it("the 401 for a missing token points at the document (resource_metadata) and names the scopes", async () => {
    const res = await rawRequest(srv.url);
    assert.equal(res.status, 401);
    const { scheme, params } = parseChallenge(res.headers["www-authenticate"] as string);
    assert.equal(scheme, "Bearer");
    assert.equal(params.resource_metadata, `${origin}${WELL_KNOWN}/mcp`);
    assert.equal(params.scope, SCOPES.join(" "));
    const doc = (await (await fetch(params.resource_metadata)).json()) as Record<string, unknown>;
    assert.equal(doc.resource, srv.url);
    assert.deepEqual(doc.authorization_servers, [idp.issuer]);
  });

  it("the official SDK reads the challenge and discovers the same document", async () => {
    const probe = await fetch(srv.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "probe", version: "1" } } }),
    });
    assert.equal(probe.status, 401);
    const { resourceMetadataUrl, scope } = extractWWWAuthenticateParams(probe);
    assert.equal(resourceMetadataUrl?.href, `${origin}${WELL_KNOWN}/mcp`);
    assert.equal(scope, SCOPES.join(" "));
    const viaChallenge = await discoverOAuthProtectedResourceMetadata(srv.url, { resourceMetadataUrl });
    const viaWellKnown = await discoverOAuthProtectedResourceMetadata(srv.url);
    assert.equal(viaChallenge.resource, srv.url);
    assert.deepEqual(viaWellKnown, viaChallenge);
  });

  it("the SDK client's client_credentials flow runs end to end: discovery, a token for this resource, then the call", async () => {
    const tokensBefore = idp.stats.tokenRequests;
    const transport = new StreamableHTTPClientTransport(new URL(srv.url), {
      authProvider: new ClientCredentialsProvider({ clientId: idp.clientId, clientSecret: idp.clientSecret, expectedIssuer: idp.issuer, scope: "repo:read" }),
    });
    const client = new Client({ name: "m2m", version: "1.0.0" });
    await client.connect(transport);
    try {
      const who = await client.callTool({ name: "whoami", arguments: {} });
      assert.deepEqual(who.structuredContent, { subject: idp.clientId, roles: [], scopes: ["repo:read"], strategy: "oauth" });
      assert.equal(idp.stats.tokenRequests - tokensBefore, 1, "one token request");
    } finally {
      await client.close();
    }
  });

  it("does not serve metadata for POST or for other well-known paths", async () => {
    assert.equal((await rawRequest(`${origin}${WELL_KNOWN}/mcp`, { body: {} })).status, 404);
    assert.equal((await rawRequest(`${origin}${WELL_KNOWN}/other`, { method: "GET" })).status, 404);
    assert.equal((await rawRequest(`${origin}/.well-known/oauth-authorization-server`, { method: "GET" })).status, 404);
  });

  describe("on a custom endpoint path", () => {
    it("serves the path form for that path and points the challenge at it", async () => {
      const other = await startServerOnPath(idp, "/api/v2/mcp");
      try {
        const o = new URL(other.url).origin;
        const doc = (await (await fetch(`${o}${WELL_KNOWN}/api/v2/mcp`)).json()) as Record<string, unknown>;
        assert.equal(doc.resource, other.url);
        assert.equal((await fetch(`${o}${WELL_KNOWN}`)).status, 200);
        const res = await rawRequest(other.url);
        assert.equal(parseChallenge(res.headers["www-authenticate"] as string).params.resource_metadata, `${o}${WELL_KNOWN}/api/v2/mcp`);
      } finally {
        await other.server.close();
      }
    });
  });

  describe("servers without OAuth", () => {
    const servers: [string, () => CraftServer][] = [
      ["API-key auth", () => createServer({ name: "keyed", auth: new ApiKeyStrategy({ keys: ["sk-prm-test-0123456789abcdef"] }), rateLimit: false, logger: silent })],
      ["no auth at all", () => createServer({ name: "open", logger: silent })],
    ];
    for (const [label, build] of servers)
      it(`${label}: 404 at both metadata URLs, and no resource_metadata in a 401`, async () => {
        const server = build();
        server.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }));
        const { url } = await server.listen({ port: 0 });
        try {
          const o = new URL(url).origin;
          for (const path of [WELL_KNOWN, `${WELL_KNOWN}/mcp`]) assert.equal((await fetch(`${o}${path}`)).status, 404, path);
          const res = await rawRequest(url);
          if (res.status === 401) assert.equal(parseChallenge(res.headers["www-authenticate"] as string).params.resource_metadata, undefined);
          else assert.equal(res.status, 200);
        } finally {
          await server.close();
        }
      });
  });
});

const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function startServerOnPath(idp: TestIdentityProvider, path: string): Promise<{ server: CraftServer; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}${path}`;
  const server = createServer({ name: "custom-path", auth: new OAuthStrategy({ issuer: idp.issuer, audience: url }), rateLimit: false, logger: silent });
  server.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }));
  const listening = await server.listen({ port, path });
  assert.equal(listening.url, url);
  return { server, url };
}
