// Issue 3, end to end: OAuthStrategy (JWKS via discovery, and RFC 7662 introspection) behind the real HTTP
// transport, against the local TestIdentityProvider, attacked with hostile bearer tokens and headers.
// Every refusal is checked for status, Bearer challenge (fixed error_description, resource_metadata),
// JSON-RPC body, audit event without the credential, log lines without the credential, and that the
// server keeps serving a valid token right after.
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { OAuthStrategy, type AuthFailureReason, type OAuthStrategyOptions } from "../../src";
import { TestIdentityProvider } from "../../src/testing";
import {
  assertNoLeak,
  assertRefused,
  assertStillServes,
  b64url,
  bearer,
  call,
  expectRefusal as refuse,
  forge,
  hmacJws,
  nowSeconds,
  rawRequest,
  secretsOf,
  startServer,
  waitFor,
  type RawResponse,
  type TestServer,
} from "../fixtures/oauth";
import { httpClient } from "../fixtures/processes";

/** The SDK client's error for a 401 answer (no auth provider configured, so it does not retry). */
const refusedWith401 = (err: unknown): boolean => (err as { code?: unknown }).code === 401 && /-32001/.test(String((err as Error).message));

const prmOf = (srv: TestServer) => `http://127.0.0.1:${srv.port}/.well-known/oauth-protected-resource/mcp`;

/** One hostile request against an OAuth server, with everything issue 3 asks of the refusal checked. */
const expectRefusal = (
  srv: TestServer,
  validToken: string,
  request: { headers?: Record<string, string> | [string, string][]; url?: string },
  expected: { status?: number; reason: AuthFailureReason | "invalid_request"; secrets: string[] },
): Promise<RawResponse> => refuse(srv, validToken, request, { ...expected, strategy: "oauth", resourceMetadata: prmOf(srv) });

describe("OAuthStrategy end to end: hostile JWT access tokens (JWKS discovered from the issuer)", () => {
  let idp: TestIdentityProvider;
  let other: TestIdentityProvider;
  let srv: TestServer;
  let good: string;
  const claims = () => ({ sub: "alice", scope: "repo:read" });

  before(async () => {
    [idp, other] = await Promise.all([TestIdentityProvider.start(), TestIdentityProvider.start()]);
    // RS256 only, so a correctly signed ES256 token is "an algorithm outside the list".
    srv = await startServer((url) => new OAuthStrategy({ issuer: idp.issuer, audience: url, algorithms: ["RS256"], timeoutMs: 2000 }));
    idp.audience = srv.url;
    other.audience = srv.url;
    good = idp.mint(claims());
  });
  after(async () => {
    await srv?.close();
    await Promise.all([idp?.stop(), other?.stop()]);
  });

  it("serves the official SDK client with a valid token (the baseline every refusal is compared to)", async () => {
    const client = await httpClient(srv.url, bearer(good));
    try {
      const r = await client.callTool({ name: "whoami", arguments: {} });
      assert.deepEqual(r.structuredContent, { subject: "alice", roles: [], scopes: ["repo:read"], strategy: "oauth" });
    } finally {
      await client.close();
    }
  });

  describe("algorithm attacks", () => {
    const cases: [string, () => string][] = [
      ["alg: none, empty signature", () => forge({ alg: "none", typ: "at+jwt" }, { iss: idp.issuer, aud: srv.url, sub: "alice", exp: nowSeconds() + 300 })],
      ["alg: None (other spelling), empty signature", () => forge({ alg: "None" }, { iss: idp.issuer, aud: srv.url, sub: "alice", exp: nowSeconds() + 300 })],
      [
        "HS256 signed with the RS256 public key (PEM) as the HMAC secret",
        () => hmacJws({ alg: "HS256", typ: "at+jwt", kid: idp.currentKid("RS256") }, { iss: idp.issuer, aud: srv.url, sub: "root", iat: nowSeconds(), exp: nowSeconds() + 300 }, idp.publicKeyPem("RS256")),
      ],
      ["a correctly signed ES256 token when only RS256 is allowed", () => idp.mint(claims(), { alg: "ES256" })],
      ["alg RS512 in the header (outside the list)", () => idp.mint(claims(), { header: { alg: "RS512" } })],
      ["alg missing from the header", () => idp.mint(claims(), { header: { alg: undefined } })],
    ];
    for (const [label, make] of cases)
      it(`refuses ${label}: 401 unsupported_algorithm`, async () => {
        const token = make();
        await expectRefusal(srv, good, { headers: bearer(token) }, { reason: "unsupported_algorithm", secrets: secretsOf(token) });
      });
  });

  describe("signature and shape attacks", () => {
    const swapSig = (a: string, b: string) => `${a.slice(0, a.lastIndexOf("."))}.${b.split(".")[2]}`;
    const cases: [string, AuthFailureReason, () => string][] = [
      ["another token's signature (bad signature)", "bad_signature", () => swapSig(idp.mint(claims()), idp.mint({ sub: "bob" }))],
      [
        "a tampered payload (sub → root, signature kept)",
        "bad_signature",
        () => {
          const [h, , s] = good.split(".");
          const payload = { ...JSON.parse(Buffer.from(good.split(".")[1], "base64url").toString()), sub: "root", roles: ["admin"] };
          return `${h}.${b64url(JSON.stringify(payload))}.${s}`;
        },
      ],
      // An RS256 signature is 342 base64url characters; 340 still decode canonically, to 255 bytes.
      ["the signature cut short by 2 characters", "bad_signature", () => good.slice(0, -2)],
      ["a token truncated mid-payload", "malformed_token", () => good.slice(0, good.indexOf(".") + 40)],
      ["non-base64url characters", "malformed_token", () => `${good.split(".")[0]}.e30*!.c2ln`],
      ["standard base64 (+ / =) instead of base64url", "malformed_token", () => good.replace(/-/g, "+").replace(/_/g, "/") + "=="],
      ["a non-JSON payload", "malformed_token", () => forge({ alg: "RS256", kid: idp.currentKid() }, "not json at all", good.split(".")[2])],
      ["a JSON array payload", "malformed_token", () => idp.mint({}, { rawPayload: `["alice"]` })],
      ["a non-JSON header", "malformed_token", () => `${b64url("{alg:RS256")}.${good.split(".")[1]}.${good.split(".")[2]}`],
      ["two segments only", "malformed_token", () => good.slice(0, good.lastIndexOf("."))],
      ["four segments", "malformed_token", () => `${good}.${good.split(".")[2]}`],
      ["an unknown crit header", "malformed_token", () => idp.mint(claims(), { header: { crit: ["x-unknown"], "x-unknown": true } })],
      ["a 12 KiB token (under Node's 16 KiB header limit)", "token_too_large", () => `${good.split(".")[0]}.${"A".repeat(12 * 1024)}.${good.split(".")[2]}`],
    ];
    for (const [label, reason, make] of cases)
      it(`refuses ${label}: 401 ${reason}`, async () => {
        const token = make();
        await expectRefusal(srv, good, { headers: bearer(token) }, { reason, secrets: secretsOf(token) });
      });

    it("refuses a 64 KiB token (Node answers 431 before the app, or resets) and keeps serving", async () => {
      const token = `${good.split(".")[0]}.${"A".repeat(64 * 1024)}.${good.split(".")[2]}`;
      const res = await rawRequest(srv.url, { headers: bearer(token) });
      assert.ok(res.status === 431 || res.status === 0, `refused: ${res.status} ${res.error ?? ""}`);
      assert.notEqual(res.status, 200);
      assertNoLeak("audit events and log lines", srv.cap.all(), secretsOf(token));
      await assertStillServes(srv.url, good);
    });
  });

  describe("time claims", () => {
    const cases: [string, AuthFailureReason, () => string][] = [
      ["an expired token", "expired", () => idp.mint(claims(), { expiresIn: -120 })],
      ["nbf an hour in the future", "not_yet_valid", () => idp.mint({ ...claims(), nbf: nowSeconds() + 3600 })],
      ["iat an hour in the future", "issued_in_future", () => idp.mint({ ...claims(), iat: nowSeconds() + 3600, exp: nowSeconds() + 3900 })],
      ["no exp", "missing_exp", () => idp.mint({ ...claims(), exp: undefined })],
      ["exp as a string", "malformed_token", () => idp.mint({ ...claims(), exp: String(nowSeconds() + 300) })],
    ];
    for (const [label, reason, make] of cases)
      it(`refuses ${label}: 401 ${reason}`, async () => {
        const token = make();
        await expectRefusal(srv, good, { headers: bearer(token) }, { reason, secrets: secretsOf(token) });
      });
  });

  describe("issuer, audience and key id", () => {
    const cases: [string, AuthFailureReason, () => string][] = [
      ["a wrong iss (signed by the right key)", "wrong_issuer", () => idp.mint({ ...claims(), iss: "https://evil.example" })],
      ["a token from another authorization server (its own keys and iss)", "unknown_key", () => other.mint(claims())],
      ["a wrong aud", "wrong_audience", () => idp.mint(claims(), { audience: "https://api.other.example/mcp" })],
      ["an aud for a different resource on the same host", "wrong_audience", () => idp.mint(claims(), { audience: srv.url.replace(/\/mcp$/, "/admin/mcp") })],
      ["an aud for this host on another port", "wrong_audience", () => idp.mint(claims(), { audience: `http://127.0.0.1:${srv.port === 1 ? 2 : 1}/mcp` })],
      ["an aud list naming only other resources", "wrong_audience", () => idp.mint(claims(), { audience: ["https://a.example/mcp", "https://b.example/mcp"] })],
      ["no aud", "wrong_audience", () => idp.mint({ ...claims(), aud: undefined })],
      ["no sub", "invalid_credentials", () => idp.mint({ scope: "repo:read" })],
      ["an unknown kid", "unknown_key", () => idp.mint(claims(), { header: { kid: "no-such-key" } })],
      ["a kid that looks like a path", "unknown_key", () => idp.mint(claims(), { header: { kid: "../../../../etc/passwd" } })],
      ["a kid that looks like SQL", "unknown_key", () => idp.mint(claims(), { header: { kid: "' OR '1'='1' -- " } })],
      ["a kid with quotes, U+2028 and an emoji (header injection)", "unknown_key", () => idp.mint(claims(), { header: { kid: 'x", error="none\u2028😀' } })],
      ["a kid that is not a string", "malformed_token", () => idp.mint(claims(), { header: { kid: { $ne: null } } })],
    ];
    for (const [label, reason, make] of cases)
      it(`refuses ${label}: 401 ${reason}`, async () => {
        const token = make();
        const res = await expectRefusal(srv, good, { headers: bearer(token) }, { reason, secrets: secretsOf(token) });
        assert.ok(!/passwd|OR '1'|evil|no-such-key/.test(JSON.stringify(res.headers) + srv.cap.all()), "no attacker text is echoed");
      });
  });

  describe("how the credential is sent", () => {
    it("refuses Authorization: Basic with 401 invalid_credentials", async () => {
      const basic = Buffer.from("alice:correct horse battery staple").toString("base64");
      await expectRefusal(srv, good, { headers: { authorization: `Basic ${basic}` } }, { reason: "invalid_credentials", secrets: [basic] });
    });

    it("refuses an empty bearer with 401 malformed_token", async () => {
      await expectRefusal(srv, good, { headers: { authorization: "Bearer " } }, { reason: "malformed_token", secrets: [] });
      await expectRefusal(srv, good, { headers: { authorization: "Bearer" } }, { reason: "malformed_token", secrets: [] });
    });

    it("refuses two tokens in one Authorization header with 401 malformed_token", async () => {
      await expectRefusal(srv, good, { headers: { authorization: `Bearer ${good}, Bearer ${good}` } }, { reason: "malformed_token", secrets: secretsOf(good).slice(1) });
    });

    it("refuses two Authorization headers with 400 invalid_request (never uses the first silently)", async () => {
      const forged = idp.mint({ sub: "root" }, { header: { kid: "forged" } });
      await expectRefusal(
        srv,
        good,
        { headers: [["authorization", `Bearer ${good}`], ["authorization", `Bearer ${forged}`]] },
        { status: 400, reason: "invalid_request", secrets: [...secretsOf(forged), good.split(".")[2]] },
      );
    });

    it("refuses a token in the query string with 400 invalid_request, with or without a header", async () => {
      await expectRefusal(srv, good, { url: `${srv.url}?access_token=${good}` }, { status: 400, reason: "invalid_request", secrets: [good.split(".")[2]] });
      await expectRefusal(srv, good, { url: `${srv.url}?access_token=${good}`, headers: bearer(good) }, { status: 400, reason: "invalid_request", secrets: [good.split(".")[2]] });
    });
  });

  describe("hostile claims never grant roles they do not name", () => {
    const hostile: [string, () => string][] = [
      [
        'an own "__proto__": {"roles": ["admin"]} claim',
        () => idp.mint({}, { rawPayload: `{"iss":"${idp.issuer}","aud":"${srv.url}","sub":"mallory","iat":${nowSeconds()},"exp":${nowSeconds() + 300},"__proto__":{"roles":["admin"]}}` }),
      ],
      ['"roles": "admin,root" (a string, not a list)', () => idp.mint({ sub: "mallory", roles: "admin,root" })],
      ['"roles": {"0": "admin", "length": 1} (array-like object)', () => idp.mint({ sub: "mallory", roles: { 0: "admin", length: 1 } })],
      ['"constructor": {"roles": ["admin"]}', () => idp.mint({}, { rawPayload: `{"iss":"${idp.issuer}","aud":"${srv.url}","sub":"mallory","iat":${nowSeconds()},"exp":${nowSeconds() + 300},"constructor":{"prototype":{"roles":["admin"]}}}` })],
    ];
    for (const [label, make] of hostile)
      it(`${label}: whoami shows roles [], the admin tool answers -32003`, async () => {
        const token = make();
        const from = srv.cap.events.length;
        const client = await httpClient(srv.url, bearer(token));
        try {
          const who = await client.callTool({ name: "whoami", arguments: {} });
          assert.deepEqual(who.structuredContent, { subject: "mallory", roles: [], scopes: [], strategy: "oauth" });
          const err = await client.callTool({ name: "admin_only", arguments: {} }).then(
            () => assert.fail("admin_only must be refused"),
            (e: unknown) => e,
          );
          assert.ok(err instanceof McpError, String(err));
          assert.equal(err.code, -32003);
          assert.match(err.message, /admin/);
          assert.equal(({} as Record<string, unknown>).roles, undefined, "Object.prototype is untouched");
          const denied = srv.cap.events.slice(from).filter((e) => e.type === "authz.denied");
          assert.equal(denied.length, 1);
          assertNoLeak("audit events and log lines", srv.cap.all(), secretsOf(token));
        } finally {
          await client.close();
        }
      });
  });
});

describe("OAuthStrategy end to end: JWKS refetches are bounded", () => {
  let idp: TestIdentityProvider;
  before(async () => {
    idp = await TestIdentityProvider.start();
  });
  after(() => idp?.stop());

  it("an unknown kid costs exactly one JWKS fetch, then a refusal; a flood of 100 unknown kids adds none", async () => {
    const srv = await startServer((url) => new OAuthStrategy({ issuer: idp.issuer, audience: url, jwksUri: idp.jwksUri }));
    try {
      const good = idp.mint({ sub: "alice" }, { audience: srv.url });
      const start = idp.stats.jwksRequests;
      const unknown = idp.mint({ sub: "alice" }, { audience: srv.url, header: { kid: "kid-never-published" } });
      assertRefused(await rawRequest(srv.url, { headers: bearer(unknown) }), { reason: "unknown_key", resourceMetadata: prmOf(srv) });
      assert.equal(idp.stats.jwksRequests - start, 1, "one JWKS fetch for the first unknown kid");

      const flood = await Promise.all(
        Array.from({ length: 100 }, (_, i) => rawRequest(srv.url, { headers: bearer(idp.mint({ sub: "alice" }, { audience: srv.url, header: { kid: `flood-${i}` } })) })),
      );
      for (const res of flood) assertRefused(res, { reason: "unknown_key" });
      assert.equal(idp.stats.jwksRequests - start, 1, "no further JWKS fetch within the cooldown");
      assert.equal(srv.cap.events.filter((e) => e.type === "auth.failure" && e.reason === "unknown_key").length, 101);

      await assertStillServes(srv.url, good);
      assert.equal(idp.stats.jwksRequests - start, 1, "the valid token is served from the cached key set");
    } finally {
      await srv.close();
    }
  });

  it("a concurrent flood on a cold server: one issuer discovery and one JWKS fetch in all", async () => {
    const srv = await startServer((url) => new OAuthStrategy({ issuer: idp.issuer, audience: url }));
    try {
      const meta = idp.stats.metadataRequests;
      const jwks = idp.stats.jwksRequests;
      const flood = await Promise.all(
        Array.from({ length: 100 }, (_, i) => rawRequest(srv.url, { headers: bearer(idp.mint({ sub: "alice" }, { audience: srv.url, header: { kid: `cold-${i}` } })) })),
      );
      for (const res of flood) assertRefused(res, { reason: "unknown_key", resourceMetadata: prmOf(srv) });
      assert.equal(idp.stats.metadataRequests - meta, 1, "one discovery");
      assert.equal(idp.stats.jwksRequests - jwks, 1, "one JWKS fetch");
    } finally {
      await srv.close();
    }
  });

  it("a rotated-in key is picked up with exactly one refetch once the cooldown allows it", async () => {
    const srv = await startServer((url) => new OAuthStrategy({ issuer: idp.issuer, audience: url, jwksUri: idp.jwksUri, jwksCooldown: 0.3 }));
    try {
      await assertStillServes(srv.url, idp.mint({ sub: "alice" }, { audience: srv.url }));
      const start = idp.stats.jwksRequests;
      const { RS256: newKid } = await idp.rotateKeys();
      const fresh = idp.mint({ sub: "alice" }, { audience: srv.url, kid: newKid });
      // Until the cooldown has passed the new kid is unknown (and costs no fetch); then one refetch accepts it.
      await waitFor("the new key to be accepted", async () => (await rawRequest(srv.url, { headers: bearer(fresh) })).status === 200, 5000, 50);
      assert.equal(idp.stats.jwksRequests - start, 1, "exactly one refetch");
    } finally {
      await srv.close();
    }
  });
});

describe("OAuthStrategy end to end: identity provider down, slow or answering garbage", () => {
  let idp: TestIdentityProvider;
  const TIMEOUT_MS = 400;
  before(async () => {
    idp = await TestIdentityProvider.start({ slowMs: 10_000 });
  });
  afterEach(() => idp.setMode("ok"));
  after(() => idp?.stop());

  for (const [what, jwksUri] of [["issuer discovery", false], ["the JWKS endpoint", true]] as const)
  for (const mode of ["down", "slow", "garbage"] as const) {
    it(`${what} ${mode}: 503 with Retry-After within timeoutMs + 1 s, never allowed, never cached`, async () => {
      const srv = await startServer((url) => new OAuthStrategy({ issuer: idp.issuer, audience: url, timeoutMs: TIMEOUT_MS, ...(jwksUri ? { jwksUri: idp.jwksUri } : {}) }));
      try {
        const token = idp.mint({ sub: "alice" }, { audience: srv.url });
        idp.setMode(mode);
        const t0 = Date.now();
        const res = await rawRequest(srv.url, { headers: bearer(token) });
        const elapsed = Date.now() - t0;
        assert.equal(res.status, 503, res.text);
        assert.ok(Number(res.headers["retry-after"]) >= 1, `Retry-After: ${res.headers["retry-after"]}`);
        assert.ok(elapsed < TIMEOUT_MS + 1000, `answered in ${elapsed} ms`);
        assert.equal(res.json.error.code, -32030);
        assert.deepEqual(srv.cap.events.map((e) => e.type), ["auth.dependency_unavailable"]);
        assertNoLeak("audit events and log lines", srv.cap.all(), secretsOf(token));
        idp.setMode("ok");
        await assertStillServes(srv.url, token);
      } finally {
        await srv.close();
      }
    });
  }
});

describe("OAuthStrategy end to end: RFC 7662 introspection", () => {
  let idp: TestIdentityProvider;
  let srv: TestServer;
  let clockOffsetMs = 0;
  const TIMEOUT_MS = 400;
  let good: string;

  before(async () => {
    idp = await TestIdentityProvider.start({ slowMs: 10_000 });
    srv = await startServer(
      (url) =>
        new OAuthStrategy({
          issuer: idp.issuer,
          audience: url,
          introspection: { endpoint: idp.introspectionEndpoint, clientId: idp.clientId, clientSecret: idp.clientSecret },
          cacheTtl: 60,
          timeoutMs: TIMEOUT_MS,
          now: () => Date.now() + clockOffsetMs,
        } satisfies OAuthStrategyOptions),
    );
    idp.audience = srv.url;
    good = idp.mintOpaque({ sub: "alice", scope: "repo:read" }, { expiresIn: "1h" });
  });
  afterEach(() => idp.setMode("ok"));
  after(async () => {
    await srv?.close();
    await idp?.stop();
  });

  it("accepts an active opaque token (SDK client)", async () => {
    const client = await httpClient(srv.url, bearer(good));
    try {
      const r = await client.callTool({ name: "whoami", arguments: {} });
      assert.deepEqual(r.structuredContent, { subject: "alice", roles: [], scopes: ["repo:read"], strategy: "oauth" });
    } finally {
      await client.close();
    }
  });

  it("refuses a token the provider does not know (active: false) with 401 inactive_token", async () => {
    const token = "2YotnFZFEjr1zCsicMWpAA-unknown-opaque-token";
    await expectRefusal(srv, good, { headers: bearer(token) }, { reason: "inactive_token", secrets: [token] });
  });

  it("refuses an active token issued for another resource with 401 wrong_audience (RFC 7662 §4)", async () => {
    const token = idp.mintOpaque({ sub: "alice" }, { audience: "https://other.example/mcp" });
    await expectRefusal(srv, good, { headers: bearer(token) }, { reason: "wrong_audience", secrets: [token] });
  });

  it("refuses a revoked token once the cache bound has passed", async () => {
    const token = idp.mintOpaque({ sub: "carol" }, { expiresIn: "1h" });
    await assertStillServes(srv.url, token);
    idp.revoke(token);
    const before = idp.stats.introspectionRequests;
    // Within cacheTtl the positive answer is reused (no introspection call)…
    assert.equal((await rawRequest(srv.url, { headers: bearer(token) })).status, 200);
    assert.equal(idp.stats.introspectionRequests, before);
    // …and once the bound has passed, the provider is asked again and the revocation holds.
    clockOffsetMs += 61_000;
    await expectRefusal(srv, good, { headers: bearer(token) }, { reason: "inactive_token", secrets: [token] });
    assert.ok(idp.stats.introspectionRequests > before);
  });

  it("introspection with wrong client credentials (the provider answers 401 to us): 503, not a verdict on the token", async () => {
    const misconfigured = await startServer((url) =>
      new OAuthStrategy({
        issuer: idp.issuer,
        audience: url,
        introspection: { endpoint: idp.introspectionEndpoint, clientId: idp.clientId, clientSecret: "not-the-secret" },
      }),
    );
    try {
      const token = idp.mintOpaque({ sub: "alice" }, { audience: misconfigured.url });
      const res = await rawRequest(misconfigured.url, { headers: bearer(token) });
      assert.equal(res.status, 503, res.text);
      assert.ok(Number(res.headers["retry-after"]) >= 1);
      assert.deepEqual(misconfigured.cap.events.map((e) => e.type), ["auth.dependency_unavailable"]);
    } finally {
      await misconfigured.close();
    }
  });

  for (const mode of ["down", "slow", "garbage"] as const) {
    it(`introspection endpoint ${mode}: 503 with Retry-After within timeoutMs + 1 s; never cached, the same token works once it is back`, async () => {
      const token = idp.mintOpaque({ sub: `dave-${mode}` });
      idp.setMode(mode);
      const from = srv.cap.events.length;
      const t0 = Date.now();
      const res = await rawRequest(srv.url, { headers: bearer(token) });
      const elapsed = Date.now() - t0;
      assert.equal(res.status, 503, res.text);
      assert.ok(Number(res.headers["retry-after"]) >= 1, `Retry-After: ${res.headers["retry-after"]}`);
      assert.ok(elapsed < TIMEOUT_MS + 1000, `answered in ${elapsed} ms`);
      assert.equal(res.json.error.code, -32030);
      assert.deepEqual(srv.cap.events.slice(from).map((e) => e.type), ["auth.dependency_unavailable"]);
      assertNoLeak("audit events and log lines", srv.cap.all(), [token]);
      idp.setMode("ok");
      const calls = idp.stats.introspectionRequests;
      await assertStillServes(srv.url, token);
      assert.equal(idp.stats.introspectionRequests, calls + 1, "the outage was not cached: the provider is asked again");
    });
  }
});

describe("validation on every request, never by session (stateful mode)", () => {
  let idp: TestIdentityProvider;
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  before(async () => {
    idp = await TestIdentityProvider.start();
  });
  after(() => idp?.stop());

  async function openSession(url: string, token: string): Promise<{ client: Client; sessionId: string }> {
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: bearer(token) } });
    const client = new Client({ name: "session-test", version: "1.0.0" });
    await client.connect(transport);
    assert.ok(transport.sessionId, "a session was opened");
    return { client, sessionId: transport.sessionId };
  }

  async function onSession(url: string, sessionId: string, token: string): Promise<RawResponse> {
    return rawRequest(url, { headers: { ...bearer(token), "mcp-session-id": sessionId, "mcp-protocol-version": "2025-11-25" }, body: call("whoami", 7) });
  }

  it("a revoked token (introspection) is refused on its open session once the cache bound passes", async () => {
    const srv = await startServer(
      (url) =>
        new OAuthStrategy({
          issuer: idp.issuer,
          audience: url,
          introspection: { endpoint: idp.introspectionEndpoint, clientId: idp.clientId, clientSecret: idp.clientSecret },
          cacheTtl: 30,
          now,
        }),
      { stateless: false },
    );
    const token = idp.mintOpaque({ sub: "erin" }, { audience: srv.url, expiresIn: "1h" });
    const { client, sessionId } = await openSession(srv.url, token);
    try {
      assert.deepEqual((await client.callTool({ name: "whoami", arguments: {} })).structuredContent, { subject: "erin", roles: [], scopes: [], strategy: "oauth" });
      idp.revoke(token);
      clockOffsetMs += 31_000;
      await assert.rejects(client.callTool({ name: "whoami", arguments: {} }), refusedWith401);
      const res = await onSession(srv.url, sessionId, token);
      assertRefused(res, { reason: "inactive_token", resourceMetadata: prmOf(srv), id: 7 });
    } finally {
      await client.close();
      await srv.close();
    }
  });

  it("an expired JWT is refused on its open session", async () => {
    const srv = await startServer((url) => new OAuthStrategy({ issuer: idp.issuer, audience: url, now }), { stateless: false });
    const token = idp.mint({ sub: "frank" }, { audience: srv.url, expiresIn: 120 });
    const { client, sessionId } = await openSession(srv.url, token);
    try {
      assert.equal((await client.callTool({ name: "whoami", arguments: {} })).isError, undefined);
      clockOffsetMs += 200_000;
      await assert.rejects(client.callTool({ name: "whoami", arguments: {} }), refusedWith401);
      assertRefused(await onSession(srv.url, sessionId, token), { reason: "expired", resourceMetadata: prmOf(srv), id: 7 });
      // A fresh token of the same principal still works on the same session: the session is bound to the
      // principal, and every request is authenticated on its own.
      const renewed = idp.mint({ sub: "frank", iat: Math.floor(now() / 1000), exp: Math.floor(now() / 1000) + 120 }, { audience: srv.url });
      const ok = await onSession(srv.url, sessionId, renewed);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.result.structuredContent.subject, "frank");
    } finally {
      await client.close();
      await srv.close();
    }
  });
});

describe("failed authentications are rate limited per IP with the default limiter", () => {
  let idp: TestIdentityProvider;
  let srv: TestServer;
  before(async () => {
    idp = await TestIdentityProvider.start();
    srv = await startServer((url) => new OAuthStrategy({ issuer: idp.issuer, audience: url }), { defaultLimiter: true });
  });
  after(async () => {
    await srv?.close();
    await idp?.stop();
  });

  it("10 hostile tokens get 401, the 11th gets 429 with Retry-After and -32029, and so does a valid token then", async () => {
    for (let i = 0; i < 10; i++) {
      const res = await rawRequest(srv.url, { headers: bearer(idp.mint({ sub: "mallory" }, { audience: srv.url, expiresIn: -60 - i })) });
      assertRefused(res, { reason: "expired" });
    }
    const blocked = await rawRequest(srv.url, { headers: bearer(idp.mint({ sub: "mallory" }, { audience: srv.url, expiresIn: -600 })) });
    assert.equal(blocked.status, 429, blocked.text);
    const retryAfter = Number(blocked.headers["retry-after"]);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(blocked.json.error.code, -32029);
    const valid = await rawRequest(srv.url, { headers: bearer(idp.mint({ sub: "alice" }, { audience: srv.url })) });
    assert.equal(valid.status, 429);
    assert.equal(srv.cap.events.filter((e) => e.type === "auth.failure").length, 10);
    assert.ok(srv.cap.events.some((e) => e.type === "ratelimit.blocked" && e.ip === "127.0.0.1"));
  });

  it("an identity-provider outage does not count as failed authentications (no lock-out after it)", async () => {
    const introspecting = await startServer(
      (url) =>
        new OAuthStrategy({
          issuer: idp.issuer,
          audience: url,
          introspection: { endpoint: idp.introspectionEndpoint, clientId: idp.clientId, clientSecret: idp.clientSecret },
        }),
      { defaultLimiter: true },
    );
    try {
      const token = idp.mintOpaque({ sub: "alice" }, { audience: introspecting.url });
      idp.setMode("down");
      for (let i = 0; i < 15; i++) assert.equal((await rawRequest(introspecting.url, { headers: bearer(token) })).status, 503);
      idp.setMode("ok");
      await assertStillServes(introspecting.url, token);
    } finally {
      idp.setMode("ok");
      await introspecting.close();
    }
  });
});
