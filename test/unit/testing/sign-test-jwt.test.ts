import assert from "node:assert/strict";
import jwt from "jsonwebtoken";
import { signTestJwt } from "../../../src/testing/sign-test-jwt";

const secret = "s".repeat(32);

describe("signTestJwt", () => {
  it("signs HS256 with iat and a 5 minute exp by default", () => {
    const payload = jwt.verify(signTestJwt({ sub: "svc:a" }, { secret }), secret, { algorithms: ["HS256"] }) as jwt.JwtPayload;
    assert.equal(payload.sub, "svc:a");
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 300);
  });

  it("sets issuer, audience, kid and header fields, and can leave exp out", () => {
    const token = signTestJwt({ sub: "a" }, { secret, issuer: "i", audience: "a", keyid: "k1", header: { typ: "svc+jwt" }, expiresIn: null });
    const decoded = jwt.decode(token, { complete: true }) as jwt.Jwt;
    assert.equal(decoded.header.kid, "k1");
    assert.equal(decoded.header.typ, "svc+jwt");
    const payload = decoded.payload as jwt.JwtPayload;
    assert.equal(payload.iss, "i");
    assert.equal(payload.aud, "a");
    assert.equal(payload.exp, undefined);
  });

  it("keeps the claims' own exp and signs a string payload verbatim", () => {
    const exp = Math.floor(Date.now() / 1000) + 10;
    assert.equal((jwt.decode(signTestJwt({ sub: "a", exp }, { secret })) as jwt.JwtPayload).exp, exp);
    const raw = signTestJwt('{"__proto__":{"roles":["admin"]}}', { secret });
    assert.equal(Buffer.from(raw.split(".")[1], "base64url").toString(), '{"__proto__":{"roles":["admin"]}}');
  });
});
