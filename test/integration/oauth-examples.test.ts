// The guide's "OAuth 2.0" sample (examples/oauth/server.ts) and the API-key + OAuth example, run as written in
// real processes, called with the official SDK client and tokens from a local TestIdentityProvider.
import assert from "node:assert/strict";
import { TestIdentityProvider } from "../../src/testing";
import { assertNoLeak, bearer, call, freePort, parseChallenge, rawRequest, secretsOf, waitFor } from "../fixtures/oauth";
import { example, httpClient, startHttpExample, stdioClient, runToExit, type RunningServer } from "../fixtures/processes";

const OAUTH = example("oauth/server.js");
const BOTH = example("api-key-and-oauth/server.js");

/** The repos the example's fetchGithubRepos answers for a user. */
const reposOf = (user: string) => [
  { name: `${user}/dotfiles`, private: false },
  { name: `${user}/notes`, private: true },
];

async function listRepos(url: string, token: string): Promise<unknown> {
  const client = await httpClient(url, bearer(token));
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    assert.deepEqual(tools, ["list_repos"]);
    const r = await client.callTool({ name: "list_repos", arguments: {} });
    assert.equal(r.isError, undefined, JSON.stringify(r));
    return JSON.parse((r.content as { type: string; text: string }[])[0].text);
  } finally {
    await client.close();
  }
}

describe("guide sample: OAuth 2.0 (examples/oauth/server.js)", () => {
  describe("with OAUTH_ISSUER pointing at an authorization server", () => {
    let idp: TestIdentityProvider;
    let srv: RunningServer;
    let url: string;
    before(async () => {
      idp = await TestIdentityProvider.start();
      const port = await freePort();
      url = `http://127.0.0.1:${port}/mcp`;
      // OAUTH_AUDIENCE is left to its default, http://127.0.0.1:$PORT/mcp.
      srv = await startHttpExample(OAUTH, { OAUTH_ISSUER: idp.issuer, PORT: String(port) });
      assert.equal(srv.url, url);
      idp.audience = url;
    });
    after(async () => {
      await srv?.stop();
      await idp?.stop();
    });

    it("list_repos answers the repositories of the token's subject", async () => {
      assert.deepEqual(await listRepos(url, idp.mint({ sub: "octocat", scope: "repo:read" })), reposOf("octocat"));
      assert.deepEqual(await listRepos(url, idp.mint({ sub: "hubot" })), reposOf("hubot"));
    });

    it("without a token: 401, Bearer invalid_token, JSON-RPC -32001", async () => {
      const res = await rawRequest(url);
      assert.equal(res.status, 401);
      const { scheme, params } = parseChallenge(res.headers["www-authenticate"] as string);
      assert.equal(scheme, "Bearer");
      assert.equal(params.error, "invalid_token");
      assert.equal(params.error_description, "Missing token");
      assert.equal(res.json.error.code, -32001);
      await assert.rejects(httpClient(url), (e: unknown) => (e as { code?: unknown }).code === 401);
    });

    it("refuses tokens for another audience, expired, from another issuer or forged, with 401 \"Invalid token\"", async () => {
      const stranger = await TestIdentityProvider.start({ audience: url });
      try {
        const good = idp.mint({ sub: "octocat" });
        const bad = [
          idp.mint({ sub: "octocat" }, { audience: "https://api.github.example/mcp" }),
          idp.mint({ sub: "octocat" }, { expiresIn: -60 }),
          stranger.mint({ sub: "octocat" }),
          `${good.slice(0, good.lastIndexOf("."))}.${stranger.mint({ sub: "x" }).split(".")[2]}`,
        ];
        for (const token of bad) {
          const res = await rawRequest(url, { headers: bearer(token) });
          assert.equal(res.status, 401, res.text);
          assert.equal(parseChallenge(res.headers["www-authenticate"] as string).params.error_description, "Invalid token");
          assertNoLeak("the response", res.text + JSON.stringify(res.headers), secretsOf(token));
          assertNoLeak("the server's stderr", srv.stderr(), secretsOf(token));
        }
        assert.deepEqual(await listRepos(url, good), reposOf("octocat"), "still serving");
      } finally {
        await stranger.stop();
      }
    });
  });

  describe("over stdio, with MCP_AUTH_TOKEN from the environment", () => {
    let idp: TestIdentityProvider;
    before(async () => {
      idp = await TestIdentityProvider.start();
    });
    after(() => idp?.stop());

    it("serves list_repos for the token's subject", async () => {
      // On stdio the audience is still the default resource URI, http://127.0.0.1:3000/mcp (PORT unset).
      const token = idp.mint({ sub: "octocat" }, { audience: "http://127.0.0.1:3000/mcp" });
      const run = await stdioClient(OAUTH, { OAUTH_ISSUER: idp.issuer, MCP_AUTH_TOKEN: token });
      try {
        const r = await run.client.callTool({ name: "list_repos", arguments: {} });
        assert.deepEqual(JSON.parse((r.content as { text: string }[])[0].text), reposOf("octocat"));
        assertNoLeak("the server's stderr", run.stderr(), secretsOf(token));
      } finally {
        await run.close();
      }
    });

    it("fails closed with a bad token: exit 1, one stderr line without the token, nothing on stdout", async () => {
      const token = idp.mint({ sub: "octocat" }, { audience: "http://127.0.0.1:3000/mcp", expiresIn: -60 });
      const r = await runToExit(process.execPath, [OAUTH, "--stdio"], { OAUTH_ISSUER: idp.issuer, MCP_AUTH_TOKEN: token, MCPCRAFT_LOG_LEVEL: "warn" });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^oauth-server: authentication failed at start-up \(Invalid token\)/);
      assertNoLeak("stderr", r.stderr, secretsOf(token));
    });
  });

  describe("without OAUTH_ISSUER: the embedded local identity provider", () => {
    let srv: RunningServer;
    let url: string;
    before(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}/mcp`;
      srv = await startHttpExample(OAUTH, { PORT: String(port) });
    });
    after(() => srv?.stop());

    it("prints a ready-to-use MCP_AUTH_TOKEN on stderr that list_repos accepts; no token → 401", async () => {
      const token = await waitFor("MCP_AUTH_TOKEN on stderr", () => /MCP_AUTH_TOKEN=(\S+)/.exec(srv.stderr())?.[1], 10_000);
      assert.match(srv.stderr(), /No OAUTH_ISSUER was set, so a local identity provider runs at http:\/\/127\.0\.0\.1:\d+/);
      assert.equal(srv.stdout(), "");
      assert.deepEqual(await listRepos(url, token), reposOf("octocat"));
      assert.equal((await rawRequest(url)).status, 401);
      const forged = `${token.slice(0, token.lastIndexOf("."))}.${"A".repeat(342)}`;
      assert.equal((await rawRequest(url, { headers: bearer(forged) })).status, 401);
    });
  });
});

describe("examples/api-key-and-oauth/server.js: machines with API keys, people with OAuth tokens", () => {
  const API_KEY = "sk-ci-4b1d9e2f7a3c5e8d0f6a2b4c";
  let idp: TestIdentityProvider;
  let srv: RunningServer;
  let url: string;
  let prm: string;
  before(async () => {
    idp = await TestIdentityProvider.start();
    const port = await freePort();
    url = `http://127.0.0.1:${port}/mcp`;
    prm = `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`;
    srv = await startHttpExample(BOTH, { API_KEY: `ci:${API_KEY}`, OAUTH_ISSUER: idp.issuer, PORT: String(port) });
    idp.audience = url;
  });
  after(async () => {
    await srv?.stop();
    await idp?.stop();
  });

  async function whoami(headers: Record<string, string>): Promise<unknown> {
    const client = await httpClient(url, headers);
    try {
      return (await client.callTool({ name: "whoami", arguments: {} })).structuredContent;
    } finally {
      await client.close();
    }
  }

  it("an API key works (x-api-key), with the scopes machines get", async () => {
    assert.deepEqual(await whoami({ "x-api-key": API_KEY }), { subject: "apikey:ci", strategy: "api-key", scopes: ["notes:read", "notes:write"] });
  });

  it("an OAuth token works (Authorization: Bearer), with the scopes it grants", async () => {
    assert.deepEqual(await whoami(bearer(idp.mint({ sub: "alice", scope: "notes:read" }))), { subject: "alice", strategy: "oauth", scopes: ["notes:read"] });
  });

  it("both at once: 400 invalid_request", async () => {
    const res = await rawRequest(url, { headers: { "x-api-key": API_KEY, ...bearer(idp.mint({ sub: "alice" })) } });
    assert.equal(res.status, 400);
    assert.equal(parseChallenge(res.headers["www-authenticate"] as string).params.error, "invalid_request");
    assert.equal(res.json.error.code, -32600);
  });

  it("a bad API key without a bearer: 401, never falls through to OAuth", async () => {
    const res = await rawRequest(url, { headers: { "x-api-key": "sk-ci-guess-000000000000" } });
    assert.equal(res.status, 401);
    const { params } = parseChallenge(res.headers["www-authenticate"] as string);
    assert.equal(params.error, "invalid_token");
    assert.equal(params.error_description, "Invalid credentials");
    assert.equal(params.resource_metadata, prm);
    assert.equal(res.json.error.code, -32001);
    const doc = (await (await fetch(params.resource_metadata)).json()) as Record<string, unknown>;
    assert.deepEqual(doc, { resource: url, authorization_servers: [idp.issuer], scopes_supported: ["notes:read", "notes:write"], bearer_methods_supported: ["header"] });
  });

  it("a bad bearer without an API key: 401, never falls through to the API key", async () => {
    const res = await rawRequest(url, { headers: bearer(idp.mint({ sub: "alice" }, { audience: "https://elsewhere.example/mcp" })) });
    assert.equal(res.status, 401);
    assert.equal(parseChallenge(res.headers["www-authenticate"] as string).params.error_description, "Token was not issued for this resource");
  });

  it("a token lacking a tool's scope gets the 403 insufficient_scope step-up; the key and a wider token are allowed", async () => {
    const reader = idp.mint({ sub: "alice", scope: "notes:read" });
    const res = await rawRequest(url, { headers: bearer(reader), body: call("add_note", 1, { text: "hi" }) });
    assert.equal(res.status, 403);
    const { params } = parseChallenge(res.headers["www-authenticate"] as string);
    assert.equal(params.error, "insufficient_scope");
    assert.equal(params.scope, "notes:write");
    assert.equal(params.resource_metadata, prm);
    const writer = await httpClient(url, bearer(idp.mint({ sub: "alice", scope: "notes:read notes:write" })));
    try {
      assert.match(JSON.stringify((await writer.callTool({ name: "add_note", arguments: { text: "from alice" } })).content), /noted/);
    } finally {
      await writer.close();
    }
    const machine = await httpClient(url, { "x-api-key": API_KEY });
    try {
      const notes = (await machine.callTool({ name: "list_notes", arguments: {} })).structuredContent as { notes: { by: string }[] };
      assert.ok(notes.notes.some((n) => n.by === "alice"));
    } finally {
      await machine.close();
    }
  });

  it("never logs a credential", () => {
    assertNoLeak("the server's stderr", srv.stderr(), [API_KEY]);
    assert.doesNotMatch(srv.stderr(), /eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\./);
  });
});
