// The guide's "Service-to-Service Authentication" sample (examples/service-auth/server.ts, jsonwebtoken with a
// shared secret, as written) and its hardened variant with JwtStrategy (jwt-strategy.server.ts): real
// processes, the official SDK client over HTTP and stdio, tokens from signTestJwt.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { signTestJwt } from "../../src/testing";
import { assertNoLeak, bearer, forge, nowSeconds, parseChallenge, rawRequest, secretsOf } from "../fixtures/oauth";
import { example, httpClient, runToExit, startHttpExample, stdioClient, type RunningServer } from "../fixtures/processes";

const GUIDE = example("service-auth/server.js");
const HARDENED = example("service-auth/jwt-strategy.server.js");

const secret = () => randomBytes(32).toString("base64url");

async function callTool(url: string, token: string, name: string, args: Record<string, unknown> = {}) {
  const client = await httpClient(url, bearer(token));
  try {
    return await client.callTool({ name, arguments: args });
  } finally {
    await client.close();
  }
}

const isHttp401 = (e: unknown): boolean => (e as { code?: unknown }).code === 401;

/** Stdio fail-closed: exit 1, nothing on stdout, exactly one stderr line, the token nowhere. */
function assertFailedClosed(r: { code: number | null; stdout: string; stderr: string }, name: string, token: string): void {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], new RegExp(`^${name}: authentication failed at start-up .*MCP_AUTH_TOKEN.*Refusing to serve\\.$`));
  assertNoLeak("stderr", r.stderr, secretsOf(token));
}

describe("guide sample: Service-to-Service Authentication (examples/service-auth/server.js)", () => {
  const JWT_SECRET = secret();

  describe("over Streamable HTTP", () => {
    let srv: RunningServer;
    before(async () => {
      srv = await startHttpExample(GUIDE, { JWT_SECRET });
    });
    after(() => srv?.stop());

    it("caller answers the calling service for a token signed with JWT_SECRET", async () => {
      const r = await callTool(srv.url, signTestJwt({ sub: "svc:billing" }, { secret: JWT_SECRET }), "caller");
      assert.deepEqual(r.structuredContent, { service: "svc:billing" });
    });

    it("a token signed with another secret: 401 \"Invalid token\", JSON-RPC -32001; no token: 401 \"Missing token\"", async () => {
      const wrong = signTestJwt({ sub: "svc:billing" }, { secret: secret() });
      const res = await rawRequest(srv.url, { headers: bearer(wrong) });
      assert.equal(res.status, 401);
      const { params } = parseChallenge(res.headers["www-authenticate"] as string);
      assert.equal(params.error, "invalid_token");
      assert.equal(params.error_description, "Invalid token");
      assert.equal(res.json.error.code, -32001);
      assertNoLeak("the response", res.text, secretsOf(wrong));
      await assert.rejects(callTool(srv.url, wrong, "caller"), isHttp401);

      const none = await rawRequest(srv.url);
      assert.equal(none.status, 401);
      assert.equal(parseChallenge(none.headers["www-authenticate"] as string).params.error_description, "Missing token");
    });

    it("refuses alg: none, an expired token and a tampered payload (jsonwebtoken 9 defaults), and keeps serving", async () => {
      const good = signTestJwt({ sub: "svc:billing" }, { secret: JWT_SECRET });
      const [h, p, s] = good.split(".");
      for (const token of [
        forge({ alg: "none", typ: "JWT" }, { sub: "svc:root", exp: nowSeconds() + 300 }),
        signTestJwt({ sub: "svc:billing" }, { secret: JWT_SECRET, expiresIn: -60 }),
        `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), sub: "svc:root" })).toString("base64url")}.${s}`,
      ]) {
        assert.equal((await rawRequest(srv.url, { headers: bearer(token) })).status, 401);
      }
      assert.deepEqual((await callTool(srv.url, good, "caller")).structuredContent, { service: "svc:billing" });
      assertNoLeak("the server's stderr", srv.stderr(), [JWT_SECRET, good, s]);
    });
  });

  describe("over stdio (MCP_AUTH_TOKEN in the env becomes Authorization: Bearer)", () => {
    it("serves caller as the token's service", async () => {
      const token = signTestJwt({ sub: "svc:billing" }, { secret: JWT_SECRET });
      const run = await stdioClient(GUIDE, { JWT_SECRET, MCP_AUTH_TOKEN: token });
      try {
        assert.deepEqual((await run.client.callTool({ name: "caller", arguments: {} })).structuredContent, { service: "svc:billing" });
      } finally {
        await run.close();
      }
    });

    it("without JWT_SECRET every token is refused, alg: none included (jsonwebtoken 9 needs a key and an explicit none)", async () => {
      const token = forge({ alg: "none", typ: "JWT" }, { sub: "svc:root", exp: nowSeconds() + 300 });
      const r = await runToExit(process.execPath, [GUIDE, "--stdio"], { MCP_AUTH_TOKEN: token, MCPCRAFT_LOG_LEVEL: "warn" });
      assertFailedClosed(r, "internal-server", token);
    });

    it("fails closed with a bad token: exit 1, one stderr line, nothing on stdout", async () => {
      const token = signTestJwt({ sub: "svc:billing" }, { secret: secret() });
      const r = await runToExit(process.execPath, [GUIDE, "--stdio"], { JWT_SECRET, MCP_AUTH_TOKEN: token, MCPCRAFT_LOG_LEVEL: "warn" });
      assertFailedClosed(r, "internal-server", token);
      assert.match(r.stderr, /\(Invalid token\)/);
    });
  });
});

describe("hardened variant: JwtStrategy (examples/service-auth/jwt-strategy.server.js)", () => {
  const ISSUER = "https://auth.example.internal";
  const AUDIENCE = "https://billing.example.internal/mcp";
  const OLD = secret();
  const NEW = secret();
  const keys = (...ring: [string, string][]) => JSON.stringify(ring.map(([kid, key]) => ({ kid, alg: "HS256", key })));
  const token = (claims: Record<string, unknown>, key: string, kid?: string, extra: Partial<Parameters<typeof signTestJwt>[1]> = {}) =>
    signTestJwt(claims, { secret: key, ...(kid ? { keyid: kid } : {}), issuer: ISSUER, audience: AUDIENCE, ...extra });

  describe("with JWT_SECRET, JWT_ISSUER and JWT_AUDIENCE", () => {
    const JWT_SECRET = secret();
    let srv: RunningServer;
    before(async () => {
      srv = await startHttpExample(HARDENED, { JWT_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
    });
    after(() => srv?.stop());

    it("caller answers the service and its roles", async () => {
      const r = await callTool(srv.url, token({ sub: "svc:billing", roles: ["billing"] }, JWT_SECRET), "caller");
      assert.deepEqual(r.structuredContent, { service: "svc:billing", roles: ["billing"] });
    });

    it("roles gate create_invoice: the billing role may, a service without it gets -32003", async () => {
      const ok = await callTool(srv.url, token({ sub: "svc:billing", roles: ["billing"] }, JWT_SECRET), "create_invoice", { customerId: "c1", period: "monthly" });
      assert.deepEqual(ok.structuredContent, { invoice: "inv-c1-monthly", by: "svc:billing" });
      for (const roles of [[], ["reports"], "billing"]) {
        const err = await callTool(srv.url, token({ sub: "svc:reports", roles }, JWT_SECRET), "create_invoice", { customerId: "c1", period: "monthly" }).then(
          () => assert.fail(`roles ${JSON.stringify(roles)} must not create invoices`),
          (e: unknown) => e,
        );
        assert.ok(err instanceof McpError, String(err));
        assert.equal(err.code, -32003);
        assert.match(err.message, /billing/);
      }
    });

    it("refuses the wrong issuer or audience, a lifetime over 15 minutes and a token without exp, with fixed descriptions", async () => {
      const cases: [string, string][] = [
        [token({ sub: "svc:billing" }, JWT_SECRET, undefined, { issuer: "https://other-issuer" }), "Token issuer not accepted"],
        [token({ sub: "svc:billing" }, JWT_SECRET, undefined, { audience: "internal-server" }), "Token was not issued for this resource"],
        [token({ sub: "svc:billing" }, JWT_SECRET, undefined, { expiresIn: "1h" }), "Token lifetime exceeds the allowed maximum"],
        [token({ sub: "svc:billing" }, JWT_SECRET, undefined, { expiresIn: null }), "Token has no expiration time"],
        [token({ sub: "svc:billing" }, secret()), "Invalid token signature"],
      ];
      for (const [t, description] of cases) {
        const res = await rawRequest(srv.url, { headers: bearer(t) });
        assert.equal(res.status, 401, description);
        const { params } = parseChallenge(res.headers["www-authenticate"] as string);
        assert.equal(params.error, "invalid_token");
        assert.equal(params.error_description, description);
        assert.equal(params.resource_metadata, undefined, "no OAuth metadata on a service-token server");
        assert.equal(res.json.error.code, -32001);
      }
      assertNoLeak("the server's stderr", srv.stderr(), [JWT_SECRET, ...cases.flatMap(([t]) => secretsOf(t))]);
    });

    it("over stdio: MCP_AUTH_TOKEN serves the service; a bad one fails closed", async () => {
      const good = token({ sub: "svc:billing", roles: ["billing"] }, JWT_SECRET);
      const run = await stdioClient(HARDENED, { JWT_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, MCP_AUTH_TOKEN: good });
      try {
        assert.deepEqual((await run.client.callTool({ name: "caller", arguments: {} })).structuredContent, { service: "svc:billing", roles: ["billing"] });
      } finally {
        await run.close();
      }
      const bad = token({ sub: "svc:billing" }, JWT_SECRET, undefined, { expiresIn: -60 });
      const r = await runToExit(process.execPath, [HARDENED, "--stdio"], { JWT_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, MCP_AUTH_TOKEN: bad, MCPCRAFT_LOG_LEVEL: "warn" });
      assertFailedClosed(r, "internal-server", bad);
      assert.match(r.stderr, /\(Token expired\)/);
    });
  });

  describe("misconfiguration fails closed at start-up, with one line that never echoes key material", () => {
    const KEY = "k-" + secret();
    const broken: [string, Record<string, string>, RegExp][] = [
      ["no JWT_SECRET and no JWT_KEYS", {}, /JWT_SECRET/],
      ["a JWT_SECRET shorter than 32 bytes", { JWT_SECRET: "short-secret" }, /at least 32/],
      ["JWT_KEYS that is not valid JSON (a trailing comma)", { JWT_KEYS: `[{"kid":"a","alg":"HS256","key":"${KEY}"},]` }, /JWT_KEYS/],
      ["JWT_KEYS that is an object, not a list", { JWT_KEYS: `{"kid":"a","alg":"HS256","key":"${KEY}"}` }, /JWT_KEYS/],
    ];
    it("each case: exit 1, one stderr line naming the problem, nothing on stdout (and the same over stdio)", async () => {
      // All runs at once: each is a process start-up and nothing more. Configuration is read before the transport is
      // chosen, so stdio is checked once, with the case that used to dump JWT_KEYS.
      const [, , [badJsonLabel, badJsonEnv, badJsonMentions]] = broken;
      const plan = [
        ...broken.map(([label, env, mentions]) => ({ label: `${label} (http)`, env, mentions, args: [HARDENED] })),
        { label: `${badJsonLabel} (stdio)`, env: badJsonEnv, mentions: badJsonMentions, args: [HARDENED, "--stdio"] },
      ];
      const runs = await Promise.all(
        plan.map(async (p) => ({ ...p, r: await runToExit(process.execPath, p.args, { ...p.env, PORT: "0", MCPCRAFT_LOG_LEVEL: "warn" }) })),
      );
      for (const { label, mentions, r } of runs) {
        assert.equal(r.code, 1, label);
        assert.equal(r.stdout, "", label);
        const lines = r.stderr.trim().split("\n");
        assert.equal(lines.length, 1, `${label}: one line, got ${lines.length}`);
        assert.match(lines[0], /^configuration error: .*Refusing to serve\.$/, label);
        assert.match(lines[0], mentions, label);
        assertNoLeak(`stderr of ${label}`, r.stderr, [KEY, KEY.slice(-12), "short-secret"]);
      }
    });
  });

  describe("key rotation with JWT_KEYS", () => {
    it("old and new kid both verify while both are listed; after a restart with only the new key the retired one is refused", async () => {
      const oldToken = token({ sub: "svc:legacy" }, OLD, "2026-01");
      const newToken = token({ sub: "svc:billing" }, NEW, "2026-02");
      const both = await startHttpExample(HARDENED, { JWT_KEYS: keys(["2026-01", OLD], ["2026-02", NEW]), JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
      try {
        assert.deepEqual((await callTool(both.url, oldToken, "caller")).structuredContent, { service: "svc:legacy", roles: [] });
        assert.deepEqual((await callTool(both.url, newToken, "caller")).structuredContent, { service: "svc:billing", roles: [] });
        // A kid only selects among configured keys: the old key's signature under the new kid does not verify.
        assert.equal((await rawRequest(both.url, { headers: bearer(token({ sub: "svc:legacy" }, OLD, "2026-02")) })).status, 401);
      } finally {
        await both.stop();
      }
      const rotated = await startHttpExample(HARDENED, { JWT_KEYS: keys(["2026-02", NEW]), JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
      try {
        const res = await rawRequest(rotated.url, { headers: bearer(oldToken) });
        assert.equal(res.status, 401);
        assert.equal(parseChallenge(res.headers["www-authenticate"] as string).params.error_description, "Token signing key not recognised");
        // Even without a kid, a token signed with the retired secret is refused.
        assert.equal((await rawRequest(rotated.url, { headers: bearer(token({ sub: "svc:legacy" }, OLD)) })).status, 401);
        assert.deepEqual((await callTool(rotated.url, newToken, "caller")).structuredContent, { service: "svc:billing", roles: [] });
        assertNoLeak("the server's stderr", rotated.stderr(), [OLD, NEW, ...secretsOf(oldToken), ...secretsOf(newToken)]);
      } finally {
        await rotated.stop();
      }
    });
  });
});
