import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { ConfigurationError, MemoryIntegrationStore, TokenSealer } from "../../../../src";

describe("TokenSealer (AES-256-GCM at rest)", () => {
  const k1 = { id: "k1", key: randomBytes(32) };
  const k2 = { id: "k2", key: randomBytes(32).toString("base64") };

  it("round-trips, and the sealed text contains nothing of the plaintext", () => {
    const sealer = new TokenSealer([k1]);
    const secret = "gho_" + randomBytes(20).toString("hex");
    const sealed = sealer.seal(secret, "token:a:github");
    assert.ok(!sealed.includes(secret));
    assert.notEqual(sealer.seal(secret, "token:a:github"), sealed, "a fresh IV every time");
    assert.equal(sealer.open(sealed, "token:a:github"), secret);
  });

  it("does not open under another key, another record key, or after tampering (a truncated tag included)", () => {
    const sealer = new TokenSealer([k1]);
    const sealed = sealer.seal("value", "token:a:github");
    assert.equal(sealer.open(sealed, "token:b:github"), undefined, "moved to another user's key");
    assert.equal(new TokenSealer([{ id: "k1", key: randomBytes(32) }]).open(sealed, "token:a:github"), undefined);
    const parts = sealed.split(".");
    assert.equal(sealer.open([...parts.slice(0, 3), parts[3].slice(0, 6), parts[4]].join("."), "token:a:github"), undefined);
    const body = Buffer.from(parts[4], "base64url");
    body[0] ^= 1;
    assert.equal(sealer.open([...parts.slice(0, 4), body.toString("base64url")].join("."), "token:a:github"), undefined);
    assert.equal(sealer.open("garbage", "token:a:github"), undefined);
  });

  it("rotation: the first key seals, every key opens, old values ask to be re-sealed", () => {
    const old = new TokenSealer([k1]).seal("value", "r");
    const ring = new TokenSealer([k2, k1]);
    assert.equal(ring.open(old, "r"), "value");
    assert.equal(ring.needsReseal(old), true);
    assert.equal(ring.needsReseal(ring.seal("value", "r")), false);
  });

  it("reads MCPCRAFT_INTEGRATION_KEYS and refuses bad keys", () => {
    const fromEnv = TokenSealer.fromEnv({ MCPCRAFT_INTEGRATION_KEYS: `new:${k2.key},old:${k1.key.toString("base64")}` })!;
    assert.equal(fromEnv.open(new TokenSealer([k1]).seal("v", "r").replace("v1.k1.", "v1.old."), "r"), "v");
    assert.equal(TokenSealer.fromEnv({}), undefined);
    assert.throws(() => TokenSealer.fromEnv({ MCPCRAFT_INTEGRATION_KEYS: "nokey" }), ConfigurationError);
    assert.throws(() => new TokenSealer([{ id: "short", key: randomBytes(16) }]), ConfigurationError);
    assert.throws(() => new TokenSealer([k1, { ...k1 }]), ConfigurationError);
    assert.throws(() => new TokenSealer([]), ConfigurationError);
  });
});

describe("MemoryIntegrationStore", () => {
  it("takes a value once, honours TTLs, and stays bounded by sweeping pending entries first", async () => {
    const store = new MemoryIntegrationStore(3);
    await store.set("token:a", "A");
    await store.set("state:1", "s1", 60_000);
    await store.set("state:2", "s2", 60_000);
    assert.equal(await store.take("state:1"), "s1");
    assert.equal(await store.take("state:1"), undefined);
    await store.set("state:3", "s3", 60_000);
    await store.set("state:4", "s4", 60_000);
    assert.equal(await store.get("token:a"), "A", "tokens survive a sweep");
    assert.equal(await store.get("state:2"), undefined, "the oldest pending entry went first");
    await store.set("gone", "x", 0);
    assert.equal(await store.get("gone"), undefined);
  });
});
