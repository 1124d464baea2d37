import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ApiKeyStrategy } from "../../../../src/auth/strategies/api-key.strategy";
import { AuthenticationError, ConfigurationError } from "../../../../src/errors";

const req = (headers: Record<string, string | undefined>) => ({ headers, transport: "http" as const });

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${err}`);
    return err.reason;
  }
  assert.fail("expected a rejection");
}

describe("ApiKeyStrategy", () => {
  const saved = process.env.API_KEY;
  afterEach(() => {
    if (saved === undefined) delete process.env.API_KEY;
    else process.env.API_KEY = saved;
  });

  it("reads comma-separated keys from API_KEY, so old and new keys overlap during rotation", async () => {
    process.env.API_KEY = "ci:sk-new-0123456789abcdef, sk-old-0123456789abcdef";
    const s = new ApiKeyStrategy();
    const a = await s.authenticate(req({ "x-api-key": "sk-new-0123456789abcdef" }));
    assert.equal(a.subject, "apikey:ci");
    assert.equal(a.keyId, "ci");
    const b = await s.authenticate(req({ "x-api-key": "sk-old-0123456789abcdef" }));
    assert.match(b.keyId!, /^key-[0-9a-f]{8}$/);
    // After rotation the old key is removed from API_KEY and refused.
    process.env.API_KEY = "ci:sk-new-0123456789abcdef";
    const rotated = new ApiKeyStrategy();
    assert.equal(await reason(rotated.authenticate(req({ "x-api-key": "sk-old-0123456789abcdef" }))), "invalid_credentials");
  });

  it("refuses missing, empty, wrong and oversized keys with distinct reasons", async () => {
    const s = new ApiKeyStrategy({ keys: ["sk-right-0123456789"] });
    assert.equal(await reason(s.authenticate(req({}))), "missing_credentials");
    assert.equal(await reason(s.authenticate(req({ "x-api-key": "" }))), "missing_credentials");
    assert.equal(await reason(s.authenticate(req({ "x-api-key": "sk-wrong-0123456789" }))), "invalid_credentials");
    assert.equal(await reason(s.authenticate(req({ "x-api-key": "x".repeat(5000) }))), "invalid_credentials");
  });

  it("gives each key its own roles, scopes and subject, and accepts stored SHA-256 digests", async () => {
    const digest = createHash("sha256").update("sk-hashed-0123456789").digest("hex");
    const s = new ApiKeyStrategy({
      keys: [
        { id: "deployer", key: "sk-deploy-0123456789", roles: ["deployer"], scopes: ["deploy:run"] },
        { id: "hashed", sha256: digest, subject: "svc:billing" },
      ],
      roles: ["default-role"],
    });
    const d = await s.authenticate(req({ "x-api-key": "sk-deploy-0123456789" }));
    assert.deepEqual([d.roles, d.scopes], [["deployer"], ["deploy:run"]]);
    const h = await s.authenticate(req({ "x-api-key": "sk-hashed-0123456789" }));
    assert.deepEqual([h.subject, h.roles], ["svc:billing", ["default-role"]]);
  });

  it("refuses a key after its notAfter", async () => {
    const s = new ApiKeyStrategy({
      keys: [
        { id: "old", key: "sk-old-0123456789", notAfter: new Date(Date.now() - 1000) },
        { id: "new", key: "sk-new-0123456789", notAfter: Math.floor(Date.now() / 1000) + 3600 },
      ],
    });
    assert.equal(await reason(s.authenticate(req({ "x-api-key": "sk-old-0123456789" }))), "key_expired");
    assert.equal((await s.authenticate(req({ "x-api-key": "sk-new-0123456789" }))).keyId, "new");
  });

  it("uses a custom header and never looks anywhere else", async () => {
    const s = new ApiKeyStrategy({ header: "X-Service-Key", keys: ["sk-svc-0123456789"] });
    assert.equal((await s.authenticate(req({ "x-service-key": "sk-svc-0123456789" }))).strategy, "api-key");
    assert.equal(await reason(s.authenticate(req({ "x-api-key": "sk-svc-0123456789" }))), "missing_credentials");
    assert.equal(s.hasCredentials(req({ "x-service-key": "a" })), true);
    assert.deepEqual(s.stdioEnv(), { API_KEY: "x-service-key" });
  });

  it("fails at construction without keys, with duplicate ids or bad digests", () => {
    delete process.env.API_KEY;
    assert.throws(() => new ApiKeyStrategy(), (e: unknown) => e instanceof ConfigurationError && /API_KEY/.test(e.message));
    assert.throws(() => new ApiKeyStrategy({ keys: [{ id: "a", key: "k1" }, { id: "a", key: "k2" }] }), ConfigurationError);
    assert.throws(() => new ApiKeyStrategy({ keys: [{ id: "a", sha256: "nothex" }] }), ConfigurationError);
  });
});
