import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { container } from "tsyringe";
import { JwtStrategy, type JwtStrategyOptions } from "../../../../src/auth/strategies/jwt.strategy";
import { assertMutationsRefused } from "../../../fixtures/token-mutations";
import { AuthenticationError, ConfigurationError, type AuthFailureReason } from "../../../../src/errors";
import { JWT_OPTIONS } from "../../../../src/auth/strategies/jwt.strategy";
import { signTestJwt } from "../../../../src/testing/sign-test-jwt";

const SECRET = randomBytes(48).toString("base64url");
const b64 = (value: string | Buffer): string => Buffer.from(value).toString("base64url");
const nowSec = (): number => Math.floor(Date.now() / 1000);
const req = (authorization?: string) => ({ headers: { authorization }, transport: "http" as const });
const bearer = (token: string) => req(`Bearer ${token}`);

/** Signs exactly the given header and payload text with HMAC-SHA256: for payloads jsonwebtoken would rewrite. */
function rawHs256(header: Record<string, unknown>, payloadText: string, secret: string | Buffer = SECRET): string {
  const input = `${b64(JSON.stringify(header))}.${b64(payloadText)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

async function rejectsWith(strategy: JwtStrategy, token: string | ReturnType<typeof req>, reason: AuthFailureReason): Promise<void> {
  const request = typeof token === "string" ? bearer(token) : token;
  await assert.rejects(strategy.authenticate(request), (err: unknown) => {
    assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    return true;
  });
}

function configError(options: JwtStrategyOptions | undefined, pattern: RegExp): void {
  assert.throws(() => new JwtStrategy(options), (err: unknown) => {
    assert.ok(err instanceof ConfigurationError, `expected ConfigurationError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe("JwtStrategy", () => {
  let rsa: { publicKey: KeyObject; privateKey: KeyObject };
  let rsa2: { publicKey: KeyObject; privateKey: KeyObject };
  let ec: { publicKey: KeyObject; privateKey: KeyObject };
  let strategy: JwtStrategy;

  before(() => {
    rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    rsa2 = generateKeyPairSync("rsa", { modulusLength: 2048 });
    ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  });

  beforeEach(() => {
    strategy = new JwtStrategy({ secret: SECRET });
  });

  describe("valid tokens", () => {
    it("returns the service context with subject, roles, scopes, expiry and the raw token", async () => {
      const token = signTestJwt({ sub: "svc:billing", roles: ["billing"], scope: "invoices:read invoices:write" }, { secret: SECRET });
      const ctx = await strategy.authenticate(bearer(token));
      assert.equal(ctx.subject, "svc:billing");
      assert.equal(ctx.strategy, "jwt");
      assert.deepEqual(ctx.roles, ["billing"]);
      assert.deepEqual(ctx.scopes, ["invoices:read", "invoices:write"]);
      assert.deepEqual(ctx.context, { service: "svc:billing" });
      assert.equal(ctx.token, token);
      assert.equal(typeof ctx.expiresAt, "number");
      assert.equal(ctx.claims.sub, "svc:billing");
    });

    it("accepts the scheme in any case and an scp array as scopes", async () => {
      const token = signTestJwt({ sub: "svc:a", scp: ["x", "y"] }, { secret: SECRET });
      const ctx = await strategy.authenticate(req(`bearer ${token}`));
      assert.deepEqual(ctx.scopes, ["x", "y"]);
    });

    it("reads roles from a configured claim path", async () => {
      const s = new JwtStrategy({ secret: SECRET, rolesClaim: "realm_access.roles" });
      const token = signTestJwt({ sub: "svc:a", realm_access: { roles: ["ops"] } }, { secret: SECRET });
      assert.deepEqual((await s.authenticate(bearer(token))).roles, ["ops"]);
    });

    it("reads the secret from JWT_SECRET when no key is given", async () => {
      const previous = process.env.JWT_SECRET;
      process.env.JWT_SECRET = SECRET;
      try {
        const s = new JwtStrategy();
        const token = signTestJwt({ sub: "svc:env" }, { secret: SECRET });
        assert.equal((await s.authenticate(bearer(token))).subject, "svc:env");
      } finally {
        if (previous === undefined) delete process.env.JWT_SECRET;
        else process.env.JWT_SECRET = previous;
      }
    });

    it("verifies RS256 and ES256 tokens with a public key", async () => {
      const rs = new JwtStrategy({ publicKey: rsa.publicKey.export({ type: "spki", format: "pem" }) as string });
      const es = new JwtStrategy({ publicKey: ec.publicKey });
      const rsToken = signTestJwt({ sub: "svc:rs" }, { secret: rsa.privateKey, algorithm: "RS256" });
      const esToken = signTestJwt({ sub: "svc:es" }, { secret: ec.privateKey, algorithm: "ES256" });
      assert.equal((await rs.authenticate(bearer(rsToken))).subject, "svc:rs");
      assert.equal((await es.authenticate(bearer(esToken))).subject, "svc:es");
      await rejectsWith(rs, esToken, "unsupported_algorithm");
    });

    it("checks issuer and audience when configured, comparing the audience leniently", async () => {
      const s = new JwtStrategy({ secret: SECRET, issuer: "https://issuer.internal", audience: "https://mcp.internal/mcp" });
      const ok = signTestJwt({ sub: "svc:a" }, { secret: SECRET, issuer: "https://issuer.internal", audience: "HTTPS://MCP.internal/mcp/" });
      assert.equal((await s.authenticate(bearer(ok))).subject, "svc:a");
    });

    it("can be resolved from a container with JWT_OPTIONS", async () => {
      const child = container.createChildContainer();
      child.register(JWT_OPTIONS, { useValue: { secret: SECRET } satisfies JwtStrategyOptions });
      const s = child.resolve(JwtStrategy);
      assert.equal((await s.authenticate(bearer(signTestJwt({ sub: "svc:di" }, { secret: SECRET })))).subject, "svc:di");
    });

    it("reports credentials presence, its name and its stdio mapping", () => {
      assert.equal(strategy.name, "jwt");
      assert.equal(strategy.hasCredentials(req("Bearer x")), true);
      assert.equal(strategy.hasCredentials(req(undefined)), false);
      assert.deepEqual(strategy.stdioEnv(), { MCP_AUTH_TOKEN: "authorization" });
    });
  });

  describe("hostile tokens", () => {
    it("refuses alg none (unsigned) tokens", async () => {
      const token = `${b64(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64(JSON.stringify({ sub: "admin", exp: nowSec() + 60 }))}.`;
      await rejectsWith(strategy, token, "unsupported_algorithm");
      const noneListed = `${b64(JSON.stringify({ alg: "NONE" }))}.${b64(JSON.stringify({ sub: "admin", exp: nowSec() + 60 }))}.`;
      await rejectsWith(strategy, noneListed, "unsupported_algorithm");
    });

    it("refuses an HS256 token signed with the RS256 public key as the HMAC secret", async () => {
      const pem = rsa.publicKey.export({ type: "spki", format: "pem" }) as string;
      const s = new JwtStrategy({ publicKey: pem, algorithms: ["RS256"] });
      const forged = rawHs256({ alg: "HS256", typ: "JWT" }, JSON.stringify({ sub: "admin", iat: nowSec(), exp: nowSec() + 60 }), pem);
      await rejectsWith(s, forged, "unsupported_algorithm");
    });

    it("refuses an algorithm outside the configured list", async () => {
      const token = signTestJwt({ sub: "svc:a" }, { secret: SECRET + SECRET, algorithm: "HS512" });
      await rejectsWith(strategy, token, "unsupported_algorithm");
    });

    it("refuses a bad signature and a tampered payload", async () => {
      await rejectsWith(strategy, signTestJwt({ sub: "svc:a" }, { secret: randomBytes(48).toString("hex") }), "bad_signature");
      const [h, , s] = signTestJwt({ sub: "svc:a", roles: [] }, { secret: SECRET }).split(".");
      const tampered = `${h}.${b64(JSON.stringify({ sub: "svc:a", roles: ["admin"], iat: nowSec(), exp: nowSec() + 60 }))}.${s}`;
      await rejectsWith(strategy, tampered, "bad_signature");
    });

    it("refuses truncated, non-base64, non-JSON and two-segment tokens as malformed", async () => {
      const token = signTestJwt({ sub: "svc:a" }, { secret: SECRET });
      const [h, p, s] = token.split(".");
      await rejectsWith(strategy, `${h}.${p}`, "malformed_token");
      await rejectsWith(strategy, `${h}.${p}.`, "malformed_token");
      await rejectsWith(strategy, token.slice(0, h.length + 5), "malformed_token");
      await rejectsWith(strategy, `${h}.${p}.${s.slice(0, 10)}+/${s.slice(12)}`, "malformed_token");
      await rejectsWith(strategy, `${h}.${p.slice(0, -2)}==.${s}`, "malformed_token");
      await rejectsWith(strategy, `${h}.${b64("{not json")}.${s}`, "malformed_token");
      await rejectsWith(strategy, `${b64("{oops")}.${p}.${s}`, "malformed_token");
      await rejectsWith(strategy, "not-a-jwt-at-all", "malformed_token");
    });

    it("refuses non-object payloads even when correctly signed", async () => {
      await rejectsWith(strategy, rawHs256({ alg: "HS256", typ: "JWT" }, '["admin"]'), "malformed_token");
      await rejectsWith(strategy, rawHs256({ alg: "HS256", typ: "JWT" }, '"admin"'), "malformed_token");
      await rejectsWith(strategy, rawHs256({ alg: "HS256", typ: "JWT" }, "{not json"), "malformed_token");
    });

    it("refuses a 64 KiB token before parsing it", async () => {
      await rejectsWith(strategy, "a".repeat(64 * 1024), "token_too_large");
      const huge = signTestJwt({ sub: "svc:a", pad: "x".repeat(64 * 1024) }, { secret: SECRET });
      await rejectsWith(strategy, huge, "token_too_large");
    });

    it("refuses expired, not-yet-valid and future-issued tokens", async () => {
      await rejectsWith(strategy, signTestJwt({ sub: "svc:a", iat: nowSec() - 120, exp: nowSec() - 60 }, { secret: SECRET }), "expired");
      await rejectsWith(strategy, signTestJwt({ sub: "svc:a", nbf: nowSec() + 3600 }, { secret: SECRET }), "not_yet_valid");
      await rejectsWith(strategy, signTestJwt({ sub: "svc:a", iat: nowSec() + 3600, exp: nowSec() + 3700 }, { secret: SECRET }), "issued_in_future");
    });

    it("honours clockTolerance for exp and iat, and nothing beyond it", async () => {
      const s = new JwtStrategy({ secret: SECRET, clockTolerance: 30 });
      assert.equal((await s.authenticate(bearer(signTestJwt({ sub: "svc:a", iat: nowSec() - 200, exp: nowSec() - 10 }, { secret: SECRET })))).subject, "svc:a");
      assert.equal((await s.authenticate(bearer(signTestJwt({ sub: "svc:a", iat: nowSec() + 10 }, { secret: SECRET })))).subject, "svc:a");
      await rejectsWith(s, signTestJwt({ sub: "svc:a", iat: nowSec() + 60, exp: nowSec() + 120 }, { secret: SECRET }), "issued_in_future");
    });

    it("uses the injected clock", async () => {
      let clock = Date.now();
      const s = new JwtStrategy({ secret: SECRET, now: () => clock });
      const token = signTestJwt({ sub: "svc:a" }, { secret: SECRET, expiresIn: 60 });
      assert.equal((await s.authenticate(bearer(token))).subject, "svc:a");
      clock += 120_000;
      await rejectsWith(s, token, "expired");
    });

    it("refuses tokens without exp, or with a non-numeric exp", async () => {
      await rejectsWith(strategy, signTestJwt({ sub: "svc:a" }, { secret: SECRET, expiresIn: null }), "missing_exp");
      await rejectsWith(strategy, rawHs256({ alg: "HS256", typ: "JWT" }, JSON.stringify({ sub: "svc:a", exp: String(nowSec() + 60) })), "malformed_token");
      await rejectsWith(strategy, rawHs256({ alg: "HS256", typ: "JWT" }, `{"sub":"svc:a","iat":${nowSec()},"exp":1e400}`), "malformed_token");
    });

    it("refuses lifetimes above maxTokenAge, with and without iat", async () => {
      await rejectsWith(strategy, signTestJwt({ sub: "svc:a" }, { secret: SECRET, expiresIn: "1h" }), "lifetime_too_long");
      await rejectsWith(strategy, signTestJwt({ sub: "svc:a", exp: 1e300 }, { secret: SECRET }), "lifetime_too_long");
      const noIat = rawHs256({ alg: "HS256", typ: "JWT" }, JSON.stringify({ sub: "svc:a", exp: nowSec() + 3600 }));
      await rejectsWith(strategy, noIat, "lifetime_too_long");
      const noIatShort = rawHs256({ alg: "HS256", typ: "JWT" }, JSON.stringify({ sub: "svc:a", exp: nowSec() + 60 }));
      assert.equal((await strategy.authenticate(bearer(noIatShort))).subject, "svc:a");
      const s = new JwtStrategy({ secret: SECRET, maxTokenAge: "2h" });
      assert.equal((await s.authenticate(bearer(signTestJwt({ sub: "svc:a" }, { secret: SECRET, expiresIn: "1h" })))).subject, "svc:a");
    });

    it("refuses a wrong issuer, a wrong audience and an audience for another resource", async () => {
      const s = new JwtStrategy({ secret: SECRET, issuer: "https://issuer.internal", audience: "https://mcp.internal/mcp" });
      const sign = (o: { issuer?: string; audience?: string | string[] }) => signTestJwt({ sub: "svc:a" }, { secret: SECRET, ...o });
      await rejectsWith(s, sign({ issuer: "https://evil", audience: "https://mcp.internal/mcp" }), "wrong_issuer");
      await rejectsWith(s, sign({ audience: "https://mcp.internal/mcp" }), "wrong_issuer");
      await rejectsWith(s, sign({ issuer: "https://issuer.internal", audience: "https://evil/mcp" }), "wrong_audience");
      await rejectsWith(s, sign({ issuer: "https://issuer.internal", audience: "https://mcp.internal/other-server" }), "wrong_audience");
      await rejectsWith(s, sign({ issuer: "https://issuer.internal" }), "wrong_audience");
    });

    it("refuses a token without sub", async () => {
      await rejectsWith(strategy, signTestJwt({ roles: ["admin"] }, { secret: SECRET }), "invalid_credentials");
      await rejectsWith(strategy, signTestJwt({ sub: 42 }, { secret: SECRET }), "invalid_credentials");
    });

    it("refuses unknown crit headers", async () => {
      await rejectsWith(strategy, signTestJwt({ sub: "svc:a" }, { secret: SECRET, header: { crit: ["x-unknown"], "x-unknown": 1 } }), "malformed_token");
    });

    it("refuses the Basic scheme, an empty bearer and a missing header", async () => {
      await rejectsWith(strategy, req("Basic dXNlcjpwYXNz"), "invalid_credentials");
      await rejectsWith(strategy, req("Bearer "), "malformed_token");
      await rejectsWith(strategy, req(undefined), "missing_credentials");
    });

    it('grants no roles for a {"__proto__":{"roles":["admin"]}} payload', async () => {
      const text = `{"sub":"svc:a","iat":${nowSec()},"exp":${nowSec() + 60},"__proto__":{"roles":["admin"]}}`;
      const ctx = await strategy.authenticate(bearer(signTestJwt(text, { secret: SECRET })));
      assert.equal(ctx.subject, "svc:a");
      assert.deepEqual(ctx.roles, []);
      assert.equal((ctx.claims as { roles?: unknown }).roles, undefined);
      assert.equal(Object.getPrototypeOf(ctx.claims), Object.prototype);
      assert.equal(({} as { roles?: unknown }).roles, undefined);
    });

    it('grants no roles for {"roles":"admin,root"}', async () => {
      const ctx = await strategy.authenticate(bearer(signTestJwt({ sub: "svc:a", roles: "admin,root" }, { secret: SECRET })));
      assert.deepEqual(ctx.roles, []);
    });
  });

  describe("key ring and rotation", () => {
    const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }) as string;

    it("selects the key by kid, so old and new keys are both valid during rotation", async () => {
      const s = new JwtStrategy({
        keys: [
          { kid: "2024", alg: "RS256", key: pem(rsa.publicKey) },
          { kid: "2025", alg: "RS256", key: pem(rsa2.publicKey) },
        ],
      });
      const old = signTestJwt({ sub: "svc:old" }, { secret: rsa.privateKey, algorithm: "RS256", keyid: "2024" });
      const fresh = signTestJwt({ sub: "svc:new" }, { secret: rsa2.privateKey, algorithm: "RS256", keyid: "2025" });
      assert.equal((await s.authenticate(bearer(old))).subject, "svc:old");
      assert.equal((await s.authenticate(bearer(fresh))).subject, "svc:new");
      // A kid naming the other key does not make a signature valid.
      const crossed = signTestJwt({ sub: "svc:x" }, { secret: rsa.privateKey, algorithm: "RS256", keyid: "2025" });
      await rejectsWith(s, crossed, "bad_signature");

      const retired = new JwtStrategy({ keys: [{ kid: "2025", alg: "RS256", key: pem(rsa2.publicKey) }] });
      await rejectsWith(retired, old, "unknown_key");
      assert.equal((await retired.authenticate(bearer(fresh))).subject, "svc:new");
    });

    it("refuses unknown kids, including injection-shaped ones", async () => {
      const s = new JwtStrategy({ keys: [{ kid: "k1", alg: "HS256", key: SECRET }] });
      const claims = JSON.stringify({ sub: "svc:a", iat: nowSec(), exp: nowSec() + 60 });
      for (const kid of ["nope", "../../etc/passwd", "' OR 1=1 --", "/dev/null", "😀\u2028\"", "k1\u0000"]) {
        // Signed with the right secret: only the kid is wrong, so the reason must be unknown_key.
        await rejectsWith(s, rawHs256({ alg: "HS256", typ: "JWT", kid }, claims), "unknown_key");
      }
      assert.equal((await s.authenticate(bearer(signTestJwt({ sub: "svc:a" }, { secret: SECRET, keyid: "k1" })))).subject, "svc:a");
    });

    it("tries each key for a kid-less token, and only keys of the token's algorithm", async () => {
      const other = randomBytes(32);
      const s = new JwtStrategy({ keys: [{ kid: "a", alg: "HS256", key: other }, { kid: "b", alg: "HS256", key: SECRET }] });
      assert.equal((await s.authenticate(bearer(signTestJwt({ sub: "svc:a" }, { secret: SECRET })))).subject, "svc:a");
      await rejectsWith(s, signTestJwt({ sub: "svc:a" }, { secret: randomBytes(32) }), "bad_signature");
    });

    it("uses the single kid-less key whatever kid the token names", async () => {
      const token = signTestJwt({ sub: "svc:a" }, { secret: SECRET, keyid: "anything" });
      assert.equal((await strategy.authenticate(bearer(token))).subject, "svc:a");
    });
  });

  describe("start-up checks", () => {
    it("refuses to start without any key", () => {
      const previous = process.env.JWT_SECRET;
      delete process.env.JWT_SECRET;
      try {
        configError(undefined, /JWT_SECRET/);
        configError({ secretEnv: "MY_JWT" }, /MY_JWT/);
      } finally {
        if (previous !== undefined) process.env.JWT_SECRET = previous;
      }
    });

    it("refuses short HMAC secrets", () => {
      configError({ secret: "x".repeat(31) }, /at least 32/);
      configError({ secret: "x" }, /at least 32/);
      configError({ secret: "x".repeat(40), algorithms: ["HS512"] }, /at least 64/);
    });

    it("refuses RSA keys under 2048 bits", () => {
      const weak = generateKeyPairSync("rsa", { modulusLength: 1024 });
      configError({ publicKey: weak.publicKey }, /2048/);
    });

    it("refuses EC curves other than P-256/384/521 and curves not matching the alg", () => {
      const k1 = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
      configError({ publicKey: k1.publicKey }, /curve|unsupported/);
      configError({ publicKey: k1.publicKey, algorithms: ["ES256"] }, /curve/);
      const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
      configError({ publicKey: p384.publicKey, algorithms: ["ES256"] }, /P-256/);
    });

    it("refuses none, unknown algorithms, an empty list and HS mixed with RS/ES", () => {
      configError({ secret: SECRET, algorithms: ["none"] }, /none/);
      configError({ secret: SECRET, algorithms: ["HS256", "None"] }, /none/);
      configError({ secret: SECRET, algorithms: ["HS257"] }, /unknown algorithm/);
      configError({ secret: SECRET, algorithms: [] }, /empty/);
      configError({ secret: SECRET, algorithms: ["HS256", "RS256"] }, /mix/);
      configError({ secret: SECRET, publicKey: rsa.publicKey }, /mix|RSA|secret/);
    });

    it("refuses keys whose type does not fit their algorithm", () => {
      configError({ secret: SECRET, algorithms: ["RS256"] }, /public key/);
      configError({ publicKey: rsa.publicKey, algorithms: ["ES256"] }, /EC/);
      configError({ publicKey: ec.publicKey, algorithms: ["RS256"] }, /RSA/);
      configError({ secret: rsa.publicKey.export({ type: "spki", format: "pem" }) as string }, /PEM/);
      configError({ keys: [{ kid: "a", alg: "HS256", key: rsa.publicKey }] }, /shared secret/);
      configError({ keys: [{ kid: "a", alg: "RS256", key: SECRET }] }, /public key/);
      configError({ keys: [{ kid: "a", alg: "RS256", key: rsa.publicKey }, { kid: "a", alg: "RS256", key: rsa2.publicKey }] }, /duplicate/);
    });

    it("refuses bad maxTokenAge and clockTolerance values", () => {
      configError({ secret: SECRET, maxTokenAge: "forever" }, /maxTokenAge/);
      configError({ secret: SECRET, clockTolerance: -1 }, /clockTolerance/);
      configError({ secret: SECRET, clockTolerance: 3600 }, /clockTolerance/);
    });

    it("accepts a private key where a public key is expected, keeping only its public half", async () => {
      const s = new JwtStrategy({ publicKey: rsa.privateKey });
      const token = signTestJwt({ sub: "svc:a" }, { secret: rsa.privateKey, algorithm: "RS256" });
      assert.equal((await s.authenticate(bearer(token))).subject, "svc:a");
    });
  });

  describe("property: mutated tokens", () => {
    it("never accepts a mutated valid token and always raises AuthenticationError (FC_RUNS, default 1000)", async () => {
      await assertMutationsRefused(strategy, signTestJwt({ sub: "svc:a", roles: ["reader"] }, { secret: SECRET }));
    });
  });

  it("accepts a correctly signed hand-made token (the raw HMAC helper above is sound)", async () => {
    const t = rawHs256({ alg: "HS256", typ: "JWT" }, JSON.stringify({ sub: "svc:a", iat: nowSec(), exp: nowSec() + 60 }));
    assert.equal((await strategy.authenticate(bearer(t))).subject, "svc:a");
  });
});
