// A complete mocha test file for the servers in docs/examples, written with mcpcraft-sdk/testing
// (in an app: test/admin-server.test.ts). This copy is only compiled: it sits outside mocha's spec glob
// (dist/test/**/*.test.js), so `npm test` does not run it; `npx mocha dist/docs/examples/testing.example.js` does.
// #region imports
import "reflect-metadata"
import assert from "node:assert/strict"
import { container } from "tsyringe"
import { API_KEY_OPTIONS, JwtStrategy, OAuthStrategy, type AuthStrategy } from "mcpcraft-sdk"
import { MOCK_AUTH_OPTIONS, MockAuthStrategy, TestIdentityProvider, createTestClient, signTestJwt } from "mcpcraft-sdk/testing"
import { AdminServer } from "./getting-started.decorators"
import { InternalServer } from "./jwt-strategy"
import { RepoClient, RepoServer } from "./oauth-strategy"
// #endregion

// #region as
describe("AdminServer, as a mocked principal", () => {
  it("lets an admin delete a user", async () => {
    const t = await createTestClient(AdminServer, { as: { subject: "alice", roles: ["admin"] } })
    try {
      assert.deepEqual((await t.listTools()).map((tool) => tool.name).sort(), ["delete_user", "who_am_i"])
      const result = await t.callTool("delete_user", { userId: "42" })
      assert.deepEqual(result.content, [{ type: "text", text: "User 42 deleted by alice" }])
    } finally {
      await t.close()
    }
  })

  it("hides delete_user from a non-admin and refuses the call with -32003", async () => {
    const t = await createTestClient(AdminServer, { as: { subject: "bob", roles: [] } })
    try {
      assert.deepEqual((await t.listTools()).map((tool) => tool.name), ["who_am_i"])
      await assert.rejects(t.callTool("delete_user", { userId: "42" }), { code: -32003, message: /requires role admin/ })
    } finally {
      await t.close()
    }
  })

  it("answers invalid arguments with an isError result naming the field", async () => {
    const t = await createTestClient(AdminServer, { as: { subject: "alice", roles: ["admin"] } })
    try {
      const result = await t.callTool("delete_user", { userId: "" })
      assert.equal(result.isError, true)
      assert.match(JSON.stringify(result.content), /userId/)
    } finally {
      await t.close()
    }
  })
})
// #endregion

// #region tokens
describe("AdminServer, with a token table", () => {
  const auth = new MockAuthStrategy({
    tokens: {
      "tok-alice": { subject: "alice", roles: ["admin"] },
      "tok-bob": { subject: "bob" },
    },
  })

  it("maps each token to its principal and refuses any other", async () => {
    const bob = await createTestClient(AdminServer, { auth, headers: { authorization: "Bearer tok-bob" } })
    try {
      assert.deepEqual((await bob.callTool("who_am_i")).structuredContent, { subject: "bob", roles: [] })
    } finally {
      await bob.close()
    }
    await assert.rejects(createTestClient(AdminServer, { auth, headers: { authorization: "Bearer tok-eve" } }), /Invalid credentials/)
  })
})
// #endregion

// #region headers
describe("AdminServer, with a real API key", () => {
  it("authenticates through ApiKeyStrategy configured in a child container", async () => {
    const c = container.createChildContainer()
    c.register(API_KEY_OPTIONS, { useValue: { keys: [{ id: "ci", key: "sk-test-0123456789", roles: ["admin"] }] } })
    const t = await createTestClient(AdminServer, { container: c, headers: { "x-api-key": "sk-test-0123456789" } })
    try {
      assert.deepEqual((await t.callTool("who_am_i")).structuredContent, { subject: "apikey:ci", roles: ["admin"] })
    } finally {
      await t.close()
    }
    await assert.rejects(createTestClient(AdminServer, { container: c, headers: { "x-api-key": "sk-wrong" } }), /Invalid credentials/)
  })
})
// #endregion

// #region swap
describe("RepoServer, with OAuthStrategy swapped for a mock", () => {
  let idp: TestIdentityProvider   // only for the token exchange list_repos makes
  before(async function () {
    this.timeout(10_000)
    idp = await TestIdentityProvider.start()
  })
  after(() => idp.stop())

  it("resolves MockAuthStrategy wherever the server asks for OAuthStrategy", async () => {
    const sent: string[] = []
    const c = container.createChildContainer()
    c.register<AuthStrategy>(OAuthStrategy, { useClass: MockAuthStrategy })
    c.register(MOCK_AUTH_OPTIONS, { useValue: { as: { subject: "alice", scopes: ["repo:read"], token: idp.mint({ sub: "alice" }) } } })
    c.register(RepoClient, { useValue: { list: async (token: string) => (sent.push(token), ["acme/widgets"]) } })   // no call to GitHub
    const t = await createTestClient(RepoServer, {
      container: c,
      credentials: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },
    })
    try {
      assert.deepEqual((await t.callTool("list_repos")).content, [{ type: "text", text: '["acme/widgets"]' }])
      // The repos API got a token of its own for alice, never the one the MCP client sent
      const claims = JSON.parse(Buffer.from(sent[0].split(".")[1], "base64url").toString())
      assert.equal(claims.sub, "alice")
      assert.equal(claims.aud, "https://api.repos.example.com")
      assert.equal(claims.act.sub, idp.clientId)
    } finally {
      await t.close()
    }
  })
})
// #endregion

// #region idp
describe("RepoServer, against a real identity provider on 127.0.0.1", () => {
  let idp: TestIdentityProvider
  before(async function () {
    this.timeout(10_000)   // generates RSA and EC keys
    idp = await TestIdentityProvider.start({ audience: "http://127.0.0.1/mcp" })
  })
  after(() => idp.stop())

  const client = (token: string) => {
    const c = container.createChildContainer()
    c.register(RepoClient, { useValue: { list: async () => ["acme/widgets"] } })
    return createTestClient(RepoServer, {
      container: c,
      auth: new OAuthStrategy({ issuer: idp.issuer, audience: idp.audience }),
      credentials: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },   // for the exchange
      headers: { authorization: `Bearer ${token}` },
    })
  }

  it("accepts a token minted for this server, with the scope", async () => {
    const t = await client(idp.mint({ sub: "alice", scope: "repo:read" }, { expiresIn: "5m" }))
    try {
      assert.deepEqual((await t.callTool("list_repos")).content, [{ type: "text", text: '["acme/widgets"]' }])
    } finally {
      await t.close()
    }
  })

  it("refuses a token for another audience, and an expired one", async () => {
    await assert.rejects(client(idp.mint({ sub: "alice" }, { audience: "https://other.example.com" })), /not issued for this resource/)
    await assert.rejects(client(idp.mint({ sub: "alice" }, { expiresIn: -60 })), /Token expired/)
  })

  it("fails closed when the identity provider is down", async () => {
    const token = idp.mint({ sub: "alice", scope: "repo:read" })
    idp.setMode("down")
    try {
      await assert.rejects(client(token), /Identity provider unavailable/)
    } finally {
      idp.setMode("ok")
    }
  })
})
// #endregion

// #region jwt
describe("InternalServer, with service JWTs", () => {
  const secret = "a-test-secret-of-at-least-32-bytes!!"
  const client = (token: string) =>
    createTestClient(InternalServer, { auth: new JwtStrategy({ secret }), headers: { authorization: `Bearer ${token}` } })

  it("accepts a short-lived token and exposes its sub as ctx.service", async () => {
    const t = await client(signTestJwt({ sub: "svc:checkout", roles: ["billing"] }, { secret, expiresIn: "5m" }))
    try {
      const result = await t.callTool("charge", { customerId: "c1", amountCents: 1200 })
      assert.deepEqual(result.structuredContent, { charged: 1200, customer: "c1", by: "svc:checkout" })
    } finally {
      await t.close()
    }
  })

  it("refuses a token without exp, and one living longer than maxTokenAge", async () => {
    await assert.rejects(client(signTestJwt({ sub: "svc:checkout" }, { secret, expiresIn: null })), /no expiration time/)
    await assert.rejects(client(signTestJwt({ sub: "svc:checkout" }, { secret, expiresIn: "1d" })), /lifetime exceeds/)
  })
})
// #endregion
