import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError, type OAuthClientProvider, type OAuthDiscoveryState } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { silentLogger, type AuditEvent, type CraftServer } from "../../src";
import { createTestClient, TestIdentityProvider } from "../../src/testing";
import { attempt, stdioChild } from "../fixtures/matrix";
import { DIST, rawPost, INIT } from "../fixtures/processes";
import { buildStepUpServer } from "../fixtures/servers/step-up.server";

const STEP_UP_SERVER = path.join(DIST, "test", "fixtures", "servers", "step-up.server.js");
const CALL_EDIT = { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "edit_doc", arguments: {} } };

/**
 * A minimal interactive OAuth client: it presents the current access token and, when the SDK asks it to send the
 * user to the authorization server, records where (that URL carries the scope the SDK took from the challenge).
 * The test then plays the user's consent by minting the token the authorization server would issue.
 */
class RecordingProvider implements OAuthClientProvider {
  readonly authorizationRequests: URL[] = [];
  constructor(
    public accessToken: string,
    private readonly discovery: OAuthDiscoveryState,
  ) {}
  get redirectUrl(): string {
    return "http://127.0.0.1/callback";
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: "step-up test", redirect_uris: ["http://127.0.0.1/callback"] };
  }
  clientInformation(): OAuthClientInformationMixed {
    return { client_id: "step-up-test-client" };
  }
  tokens(): OAuthTokens {
    return { access_token: this.accessToken, token_type: "Bearer" };
  }
  saveTokens(): void {}
  redirectToAuthorization(url: URL): void {
    this.authorizationRequests.push(url);
  }
  saveCodeVerifier(): void {}
  codeVerifier(): string {
    return "unused";
  }
  discoveryState(): OAuthDiscoveryState {
    return this.discovery;
  }
  saveDiscoveryState(): void {}
}

describe("step-up authorization: a bearer token lacking a tool's scopes", () => {
  let idp: TestIdentityProvider;
  let host: http.Server;
  let server: CraftServer;
  let url: string;
  let origin: string;
  const events: AuditEvent[] = [];

  before(async () => {
    idp = await TestIdentityProvider.start();
    // The audience must be this server's real URL (RFC 8707), so bind the port first and mount the handler on it.
    let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
    host = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    url = `${origin}/mcp`;
    idp.audience = url;
    server = buildStepUpServer(idp.issuer, url, { logger: silentLogger, onAudit: (e) => events.push(e) });
    handler = server.handler();
  });
  after(async () => {
    await server?.close();
    if (host) {
      const closed = new Promise<void>((resolve) => host.close(() => resolve()));
      host.closeAllConnections();
      await closed;
    }
    await idp?.stop();
  });

  const token = (scope: string | undefined, extra: Record<string, unknown> = {}) => idp.mint({ sub: "alice", ...(scope === undefined ? {} : { scope }), ...extra });

  async function session(bearer: string): Promise<Record<string, string>> {
    const init = await rawPost(url, INIT, { authorization: `Bearer ${bearer}` });
    assert.equal(init.status, 200, init.text);
    return { authorization: `Bearer ${bearer}`, "mcp-session-id": init.headers.get("mcp-session-id")!, "mcp-protocol-version": "2025-11-25" };
  }

  it("answers HTTP 403 with WWW-Authenticate insufficient_scope listing every scope the tool needs, before the SDK transport", async () => {
    const before = events.length;
    for (const granted of ["docs:read", undefined]) {
      const r = await rawPost(url, CALL_EDIT, await session(token(granted)));
      assert.equal(r.status, 403, r.text);
      assert.equal(
        r.headers.get("www-authenticate"),
        `Bearer error="insufficient_scope", error_description="Forbidden: missing ${granted ? "scope docs:write" : "scopes docs:read docs:write"}", ` +
          `scope="docs:read docs:write", resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
      );
      assert.equal(r.headers.get("content-type"), "application/json");
      assert.equal(r.json.id, 2);
      assert.equal(r.json.error.code, -32003);
      assert.match(r.json.error.message, /^Forbidden: missing scopes? /);
    }
    const denials = events.slice(before).filter((e) => e.type === "authz.denied");
    assert.deepEqual(
      denials.map((e) => e.type === "authz.denied" && [e.subject, e.kind, e.target, e.missingScopes, e.reason, e.transport]),
      [
        ["alice", "tool", "edit_doc", ["docs:write"], "insufficient_scope", "http"],
        ["alice", "tool", "edit_doc", ["docs:read", "docs:write"], "insufficient_scope", "http"],
      ],
    );
  });

  it("points resource_metadata at RFC 9728 metadata naming this server and its authorization server", async () => {
    const res = await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`);
    assert.equal(res.status, 200);
    const meta = (await res.json()) as Record<string, unknown>;
    assert.equal(meta.resource, url);
    assert.deepEqual(meta.authorization_servers, [idp.issuer]);
  });

  it("a token with the scopes but not the role gets 200 with JSON-RPC -32003 (roles are not step-up material)", async () => {
    const r = await rawPost(url, { ...CALL_EDIT, params: { name: "delete_doc", arguments: {} } }, await session(token("docs:read docs:write")));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get("www-authenticate"), null);
    assert.deepEqual(r.json.error, { code: -32003, message: "Forbidden: requires role admin", data: { missingRoles: [["admin"]], missingScopes: [] } });
    // Lacking the scope as well, the scope is what the client can fix: 403 step-up.
    const both = await rawPost(url, { ...CALL_EDIT, params: { name: "delete_doc", arguments: {} } }, await session(token("docs:read")));
    assert.equal(both.status, 403);
    assert.match(both.headers.get("www-authenticate")!, /scope="docs:write"/);
    const admin = await rawPost(url, { ...CALL_EDIT, params: { name: "delete_doc", arguments: {} } }, await session(token("docs:write", { roles: ["admin"] })));
    assert.equal(admin.status, 200);
    assert.equal(admin.json.result.content[0].text, "deleted");
  });

  it("the SDK client with an auth provider receives the challenge and asks the authorization server for exactly its scopes; with the new token the call succeeds", async () => {
    const asMetadata = (await (await fetch(`${idp.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    const provider = new RecordingProvider(token("docs:read"), {
      authorizationServerUrl: idp.issuer,
      // The test provider issues tokens by minting; these two fields stand in for its (browser-facing) /authorize.
      authorizationServerMetadata: { ...asMetadata, authorization_endpoint: `${idp.issuer}/authorize`, response_types_supported: ["code"] } as never,
    });
    const challenges: { status: number; wwwAuthenticate: string | null }[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (res.status === 403) challenges.push({ status: res.status, wwwAuthenticate: res.headers.get("www-authenticate") });
      return res;
    };
    const client = new Client({ name: "step-up", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, fetch: recordingFetch }));
    try {
      const visible = async () => (await client.listTools()).tools.map((t) => t.name).sort();
      assert.deepEqual(await visible(), ["read_doc"]);
      assert.deepEqual((await client.callTool({ name: "read_doc", arguments: {} })).content, [{ type: "text", text: "read by alice" }]);

      await assert.rejects(client.callTool({ name: "edit_doc", arguments: {} }), UnauthorizedError);
      assert.equal(challenges.length, 1);
      assert.match(challenges[0].wwwAuthenticate!, /^Bearer error="insufficient_scope", .*scope="docs:read docs:write"/);
      assert.equal(provider.authorizationRequests.length, 1);
      const authorize = provider.authorizationRequests[0];
      assert.equal(authorize.searchParams.get("scope"), "docs:read docs:write");
      assert.equal(authorize.searchParams.get("resource"), url);

      // The user consents; the authorization server issues a token with the requested scopes for this resource.
      provider.accessToken = idp.mint({ sub: "alice", scope: authorize.searchParams.get("scope") }, { audience: authorize.searchParams.get("resource")! });
      const edited = await client.callTool({ name: "edit_doc", arguments: {} });
      assert.deepEqual(edited.content, [{ type: "text", text: "edited by alice with docs:read docs:write" }]);
      assert.deepEqual(await visible(), ["edit_doc", "read_doc"]);
      assert.equal(challenges.length, 1);
    } finally {
      await client.close();
    }
  });

  it("the same bearer token in memory gets JSON-RPC -32003 naming the missing scope (no HTTP, no step-up)", async () => {
    const t = await createTestClient(server, { headers: { authorization: `Bearer ${token("docs:read")}` } });
    try {
      assert.deepEqual(await attempt(t.client, { kind: "tool", name: "edit_doc" }), {
        allowed: false,
        code: -32003,
        message: "MCP error -32003: Forbidden: missing scope docs:write",
        data: { missingRoles: [], missingScopes: ["docs:write"] },
      });
      assert.deepEqual(await attempt(t.client, { kind: "tool", name: "read_doc" }), { allowed: true });
    } finally {
      await t.close();
    }
  });

  it("the same bearer token on stdio (MCP_AUTH_TOKEN) gets JSON-RPC -32003 naming the missing scope", async () => {
    const child = await stdioChild(STEP_UP_SERVER, { IDP_ISSUER: idp.issuer, MCP_AUDIENCE: url, MCP_AUTH_TOKEN: token("docs:read") });
    try {
      assert.deepEqual((await child.client.listTools()).tools.map((t) => t.name), ["read_doc"]);
      assert.deepEqual(await attempt(child.client, { kind: "tool", name: "edit_doc" }), {
        allowed: false,
        code: -32003,
        message: "MCP error -32003: Forbidden: missing scope docs:write",
        data: { missingRoles: [], missingScopes: ["docs:write"] },
      });
    } finally {
      await child.close();
    }
  });
});
