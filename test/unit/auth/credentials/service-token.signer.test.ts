import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { ConfigurationError, JwtStrategy, ServiceTokenSigner } from "../../../../src";

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, transport: "http" as const });

describe("ServiceTokenSigner", () => {
  it("signs HS256 tokens that JwtStrategy with the same secret accepts, as the service", async () => {
    const secret = randomBytes(48).toString("base64url");
    const signer = new ServiceTokenSigner({ issuer: "svc:reports", secret });
    const token = await signer.sign({ audience: "billing", scopes: ["invoices:read"] });
    const auth = await new JwtStrategy({ secret, issuer: "svc:reports", audience: "billing" }).authenticate(bearer(token));
    assert.equal(auth.subject, "svc:reports");
    assert.deepEqual(auth.scopes, ["invoices:read"]);
    assert.equal(auth.context?.service, "svc:reports");
  });

  it("signs ES256 tokens with a kid that a JwtStrategy key ring picks", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const signer = new ServiceTokenSigner({ issuer: "svc:a", privateKey, kid: "k2", expiresIn: "2m" });
    const token = await signer.sign({ audience: ["b", "c"], subject: "svc:a/job-7", claims: { tenant: "t1", iss: "forged", exp: 1e12 } });
    assert.deepEqual(decodeProtectedHeader(token), { alg: "ES256", typ: "JWT", kid: "k2" });
    const claims = decodeJwt(token);
    assert.equal(claims.iss, "svc:a", "reserved claims cannot be overridden");
    assert.equal(claims.exp! - claims.iat!, 120);
    assert.equal(claims.tenant, "t1");
    const strategy = new JwtStrategy({ keys: [{ kid: "k2", alg: "ES256", key: publicKey }], audience: "c" });
    assert.equal((await strategy.authenticate(bearer(token))).subject, "svc:a/job-7");
  });

  it("refuses the keys JwtStrategy refuses, and lifetimes beyond maxLifetime", async () => {
    const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
    const cases: [string, () => unknown][] = [
      ["short secret", () => new ServiceTokenSigner({ issuer: "s", secret: "too-short" })],
      ["none", () => new ServiceTokenSigner({ issuer: "s", secret: randomBytes(32), algorithm: "none" })],
      ["RSA-1024", () => new ServiceTokenSigner({ issuer: "s", privateKey: weak })],
      ["both keys", () => new ServiceTokenSigner({ issuer: "s", secret: randomBytes(32), privateKey: weak })],
      ["PEM as secret", () => new ServiceTokenSigner({ issuer: "s", secret: "-----BEGIN PUBLIC KEY-----\nabc" })],
      ["no issuer", () => new ServiceTokenSigner({ issuer: "", secret: randomBytes(32) })],
      ["expiresIn past maxLifetime", () => new ServiceTokenSigner({ issuer: "s", secret: randomBytes(32), expiresIn: "1h" })],
    ];
    for (const [what, build] of cases) assert.throws(build, ConfigurationError, what);
    const signer = new ServiceTokenSigner({ issuer: "s", secret: randomBytes(32) });
    await assert.rejects(signer.sign({ audience: "x", expiresIn: "20m" }), ConfigurationError);
    await assert.rejects(signer.sign({ audience: "" }), ConfigurationError);
  });
});
