import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { TestIdentityProvider } from "../../../src/testing/identity-provider";

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
const form = (values: Record<string, string>) => new URLSearchParams(values).toString();

describe("TestIdentityProvider", () => {
  let idp: TestIdentityProvider;
  before(async () => {
    idp = await TestIdentityProvider.start({ audience: "http://127.0.0.1/mcp" });
  });
  after(async () => {
    await idp.stop();
  });
  afterEach(() => idp.setMode("ok"));

  const introspect = (token: string, auth = basic(idp.clientId, idp.clientSecret)) =>
    fetch(idp.introspectionEndpoint, {
      method: "POST",
      headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
      body: form({ token }),
    });

  it("listens on 127.0.0.1 and serves RFC 8414 and OpenID metadata", async () => {
    assert.match(idp.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (const path of ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]) {
      const meta = (await (await fetch(`${idp.issuer}${path}`)).json()) as Record<string, unknown>;
      assert.equal(meta.issuer, idp.issuer);
      assert.equal(meta.jwks_uri, idp.jwksUri);
      assert.equal(meta.introspection_endpoint, idp.introspectionEndpoint);
      assert.equal(meta.revocation_endpoint, idp.revocationEndpoint);
      assert.equal(meta.token_endpoint, idp.tokenEndpoint);
    }
  });

  it("publishes an RSA-2048 and an EC P-256 key with kid and alg", async () => {
    const jwks = (await (await fetch(idp.jwksUri)).json()) as { keys: Record<string, unknown>[] };
    const rsa = jwks.keys.find((k) => k.alg === "RS256");
    const ec = jwks.keys.find((k) => k.alg === "ES256");
    assert.ok(rsa && ec);
    assert.equal(rsa.kid, idp.currentKid("RS256"));
    assert.equal(ec.kid, idp.currentKid("ES256"));
    assert.equal(createPublicKey({ key: rsa as never, format: "jwk" }).asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(ec.crv, "P-256");
    assert.ok(!("d" in rsa) && !("d" in ec), "private parts must not be published");
  });

  it("mints RS256 and ES256 tokens that verify against its JWKS with the default claims", async () => {
    const jwks = createLocalJWKSet((await (await fetch(idp.jwksUri)).json()) as never);
    for (const alg of ["RS256", "ES256"] as const) {
      const token = idp.mint({ sub: "alice", scope: "a" }, { alg, expiresIn: "5m" });
      assert.equal(decodeProtectedHeader(token).kid, idp.currentKid(alg));
      const { payload } = await jwtVerify(token, jwks, { issuer: idp.issuer, audience: idp.audience, algorithms: [alg] });
      assert.equal(payload.sub, "alice");
      assert.equal(typeof payload.jti, "string");
      assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 300);
    }
  });

  it("lets claims override or remove defaults, and signs raw payload text", () => {
    const token = idp.mint({ sub: "a", exp: undefined, aud: "other" });
    const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as Record<string, unknown>;
    assert.equal(payload.exp, undefined);
    assert.equal(payload.aud, "other");
    const raw = idp.mint({}, { rawPayload: '{"__proto__":{"roles":["admin"]}}' });
    assert.equal(Buffer.from(raw.split(".")[1], "base64url").toString(), '{"__proto__":{"roles":["admin"]}}');
  });

  it("introspects minted and opaque tokens, requiring HTTP Basic client auth", async () => {
    const opaque = idp.mintOpaque({ sub: "carol", scope: "x" });
    const before = idp.stats.introspectionRequests;
    const active = (await (await introspect(opaque)).json()) as Record<string, unknown>;
    assert.equal(active.active, true);
    assert.equal(active.sub, "carol");
    assert.equal(active.aud, idp.audience);
    assert.equal(((await (await introspect(idp.mint({ sub: "d" }))).json()) as { active: boolean }).active, true);
    assert.deepEqual(await (await introspect("unknown")).json(), { active: false });
    const denied = await introspect(opaque, basic(idp.clientId, "wrong"));
    assert.equal(denied.status, 401);
    await denied.body?.cancel();
    assert.equal(idp.stats.introspectionRequests - before, 4);
  });

  it("revokes tokens through revoke() and the RFC 7009 endpoint", async () => {
    const a = idp.mintOpaque({ sub: "a" });
    idp.revoke(a);
    assert.deepEqual(await (await introspect(a)).json(), { active: false });
    const b = idp.mintOpaque({ sub: "b" });
    const res = await fetch(idp.revocationEndpoint, {
      method: "POST",
      headers: { authorization: basic(idp.clientId, idp.clientSecret), "content-type": "application/x-www-form-urlencoded" },
      body: form({ token: b }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await (await introspect(b)).json(), { active: false });
  });

  it("issues client_credentials tokens", async () => {
    const res = await fetch(idp.tokenEndpoint, {
      method: "POST",
      headers: { authorization: basic(idp.clientId, idp.clientSecret), "content-type": "application/x-www-form-urlencoded" },
      body: form({ grant_type: "client_credentials", scope: "repo:read" }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 200);
    assert.equal(body.token_type, "Bearer");
    const payload = JSON.parse(Buffer.from(String(body.access_token).split(".")[1], "base64url").toString()) as Record<string, unknown>;
    assert.equal(payload.sub, idp.clientId);
    assert.equal(payload.scope, "repo:read");
    const bad = await fetch(idp.tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form({ grant_type: "client_credentials" }),
    });
    assert.equal(bad.status, 401);
    await bad.body?.cancel();
  });

  it("rotates keys, keeping old ones published until retired", async () => {
    const own = await TestIdentityProvider.start();
    try {
      const oldKid = own.currentKid("RS256");
      const { RS256: newKid } = await own.rotateKeys();
      assert.equal(own.currentKid("RS256"), newKid);
      assert.ok(own.kids().includes(oldKid) && own.kids().includes(newKid));
      own.retireKey(oldKid);
      const jwks = (await (await fetch(own.jwksUri)).json()) as { keys: { kid: string }[] };
      assert.ok(!jwks.keys.some((k) => k.kid === oldKid));
      assert.ok(jwks.keys.some((k) => k.kid === newKid));
      assert.throws(() => own.mint({ sub: "a" }, { kid: oldKid }));
    } finally {
      await own.stop();
    }
  });

  it("fails on demand: down answers 503, garbage answers non-JSON 200, and counters count", async () => {
    const start = idp.stats.jwksRequests;
    idp.setMode("down");
    const down = await fetch(idp.jwksUri);
    assert.equal(down.status, 503);
    await down.body?.cancel();
    idp.setMode("garbage");
    const garbage = await fetch(idp.jwksUri);
    assert.equal(garbage.status, 200);
    await assert.rejects(garbage.json());
    assert.equal(idp.stats.jwksRequests - start, 2);
  });

  it("holds responses in slow mode and releases them on stop()", async () => {
    const own = await TestIdentityProvider.start();
    own.setMode("slow");
    const pending = fetch(own.jwksUri).then(
      () => "answered",
      () => "connection closed",
    );
    // Wait until the provider has the request in hand (counter), not for an arbitrary time.
    for (let i = 0; i < 400 && own.stats.jwksRequests === 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(own.stats.jwksRequests, 1);
    const started = Date.now();
    await own.stop();
    assert.equal(await pending, "connection closed");
    assert.ok(Date.now() - started < 1000);
  });
});
