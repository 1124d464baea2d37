import assert from "node:assert/strict";
import { decodeJwt } from "jose";
import { ConfigurationError, CredentialRefusedError, IdentityProviderUnavailableError, OutgoingCredentials } from "../../../../src";
import { CallCredentialsOf } from "../../../../src/core/call-credentials";
import { TestIdentityProvider } from "../../../../src/testing";
import { capture, waitFor } from "../../../fixtures/oauth";

describe("OutgoingCredentials (against a local TestIdentityProvider)", () => {
  let idp: TestIdentityProvider;
  before(async () => {
    idp = await TestIdentityProvider.start({ slowMs: 3000 });
  });
  after(() => idp?.stop());
  const options = (more: Record<string, unknown> = {}) => ({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, ...more });

  it("refuses incomplete or unsafe configurations at construction", () => {
    const log = capture().logger;
    const cases: [string, Record<string, unknown>][] = [
      ["no clientId", { issuer: idp.issuer, clientSecret: "s" }],
      ["issuer and tokenEndpoint", options({ tokenEndpoint: idp.tokenEndpoint })],
      ["neither secret nor key", { issuer: idp.issuer, clientId: "c" }],
      ["secret and key", options({ privateKey: "-----BEGIN PRIVATE KEY-----" })],
      ["clear-text endpoint off loopback", { tokenEndpoint: "http://auth.example.com/token", clientId: "c", clientSecret: "s" }],
      ["an HMAC secret as private key", { issuer: idp.issuer, clientId: "c", privateKey: Buffer.alloc(32) }],
      ["bad refreshBeforeExpiry", options({ refreshBeforeExpiry: "soon" })],
    ];
    for (const [what, opts] of cases) assert.throws(() => new OutgoingCredentials(opts, log), ConfigurationError, what);
  });

  it("an exchange without a subject token is refused before any request is made", async () => {
    const outgoing = new OutgoingCredentials(options(), capture().logger);
    const before = idp.stats.tokenRequests;
    await assert.rejects(outgoing.exchange(undefined, { audience: "https://api.example" }), (e: unknown) => e instanceof CredentialRefusedError && e.reason === "no_subject_token");
    await assert.rejects(outgoing.exchange("t", {}), ConfigurationError, "a target is required");
    await assert.rejects(outgoing.exchange("t", { audience: "a", scopes: ["bad scope"] }), ConfigurationError);
    await assert.rejects(outgoing.exchange("t", { resource: "not a uri" }), ConfigurationError);
    assert.equal(idp.stats.tokenRequests, before);
  });

  it("an RFC 8707 resource becomes the exchanged token's audience", async () => {
    const outgoing = new OutgoingCredentials(options(), capture().logger);
    const token = await outgoing.exchange(idp.mint({ sub: "alice" }), { resource: "https://api.example/v1" });
    assert.equal(decodeJwt(token.accessToken).aud, "https://api.example/v1");
    assert.equal(token.tokenType, "Bearer");
    assert.ok(token.expiresAt! > Date.now() / 1000);
  });

  it("garbage and slow answers are an outage (503), never cached", async () => {
    const outgoing = new OutgoingCredentials(options({ timeoutMs: 300 }), capture().logger);
    const subject = idp.mint({ sub: "bob" });
    await outgoing.exchange(subject, { audience: "warm-up" });
    for (const mode of ["garbage", "slow"] as const) {
      idp.setMode(mode);
      try {
        await assert.rejects(outgoing.exchange(subject, { audience: `a-${mode}` }), IdentityProviderUnavailableError, mode);
      } finally {
        idp.setMode("ok");
      }
    }
    assert.equal(decodeJwt((await outgoing.exchange(subject, { audience: "a-slow" })).accessToken).aud, "a-slow");
  });

  it("a token for an unknown subject token is refused as invalid_grant", async () => {
    const outgoing = new OutgoingCredentials(options(), capture().logger);
    await assert.rejects(outgoing.exchange("not-a-token-this-provider-issued", { audience: "x" }), (e: unknown) => e instanceof CredentialRefusedError && e.oauthError === "invalid_grant");
  });

  it("client credentials are renewed before they expire", async () => {
    idp.setIssuedTokenLifetime(4);
    try {
      const outgoing = new OutgoingCredentials(options(), capture().logger);
      const first = await outgoing.clientCredentials({ audience: "svc" });
      const before = idp.stats.clientCredentialsRequests;
      const renewed = await waitFor("a renewed token", async () => {
        const t = await outgoing.clientCredentials({ audience: "svc" });
        return t.accessToken !== first.accessToken ? { t, at: Date.now() } : undefined;
      }, 8000, 100);
      assert.ok(renewed.at < first.expiresAt! * 1000, "renewed while the first token was still valid");
      assert.equal(idp.stats.clientCredentialsRequests - before, 1, "every call in between was served from the cache");
    } finally {
      idp.setIssuedTokenLifetime(300);
    }
  });

  it("ctx.credentials without createServer({ credentials }) says how to configure it", async () => {
    const creds = new CallCredentialsOf(undefined, undefined);
    await assert.rejects(creds.exchange({ audience: "a" }), /createServer\(\{ credentials/);
    await assert.rejects(creds.clientCredentials(), ConfigurationError);
    await assert.rejects(new OutgoingCredentials({}, capture().logger).signServiceToken({ audience: "a" }), /serviceToken/);
  });
});
