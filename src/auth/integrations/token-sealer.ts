import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ConfigurationError } from "../../errors";

/** One AES-256 key with the id written beside what it encrypted, so rotation can find the right one. */
export interface SealingKey {
  id: string;
  /** 32 bytes, or their base64 / base64url text. */
  key: string | Buffer;
}

const ENV = "MCPCRAFT_INTEGRATION_KEYS";
const FORMAT = "v1";

function keyBytes(entry: SealingKey, where: string): Buffer {
  const bytes = Buffer.isBuffer(entry.key) ? entry.key : Buffer.from(String(entry.key), "base64");
  if (bytes.length !== 32) throw new ConfigurationError(`${where}: key "${entry.id}" must be 32 bytes (\`openssl rand -base64 32\`), got ${bytes.length}`);
  return bytes;
}

/**
 * Encryption at rest for integration tokens: AES-256-GCM with a random 96-bit IV per value and the store key as
 * additional authenticated data, so a sealed value moved to another user's or provider's key does not open.
 * The first key seals; every key opens, which is how rotation works: put the new key first, keep the old one
 * until `needsReseal` has had every stored value rewritten (each is rewritten when next read), then drop it.
 *
 * @example
 * ```ts
 * // MCPCRAFT_INTEGRATION_KEYS="2026-12:<base64 32 bytes>,2026-06:<base64 32 bytes>"
 * const sealer = TokenSealer.fromEnv()
 * const sealed = sealer.seal(JSON.stringify(record), "token:alice:github")
 * ```
 */
export class TokenSealer {
  private readonly keys: Map<string, Buffer>;
  private readonly current: string;

  constructor(keys: SealingKey[], where = "integrations.encryptionKeys") {
    if (!Array.isArray(keys) || keys.length === 0) throw new ConfigurationError(`${where}: at least one key is required`);
    this.keys = new Map();
    for (const entry of keys) {
      if (typeof entry?.id !== "string" || !/^[A-Za-z0-9_-]{1,32}$/.test(entry.id)) throw new ConfigurationError(`${where}: every key needs an id of 1–32 letters, digits, _ or -`);
      if (this.keys.has(entry.id)) throw new ConfigurationError(`${where}: duplicate key id "${entry.id}"`);
      this.keys.set(entry.id, keyBytes(entry, where));
    }
    this.current = keys[0].id;
  }

  /** Keys from `MCPCRAFT_INTEGRATION_KEYS`: `id:base64key` pairs, comma-separated, the sealing key first; `undefined` when unset. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): TokenSealer | undefined {
    const text = env[ENV];
    if (!text) return undefined;
    const keys = text.split(",").map((pair) => {
      const colon = pair.indexOf(":");
      if (colon < 1) throw new ConfigurationError(`${ENV}: expected id:base64key pairs separated by commas`);
      return { id: pair.slice(0, colon).trim(), key: pair.slice(colon + 1).trim() };
    });
    return new TokenSealer(keys, ENV);
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.keys.get(this.current)!, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [FORMAT, this.current, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
  }

  /** The plaintext, or `undefined` for a value that is not ours: unknown key id, tampered, or sealed for another key. */
  open(sealed: string, aad: string): string | undefined {
    const [format, id, iv, tag, body] = sealed.split(".");
    const key = this.keys.get(id);
    if (format !== FORMAT || !key || !iv || !tag || body === undefined) return undefined;
    try {
      // A fixed tag length: GCM would otherwise accept a truncated tag, which is far easier to forge.
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: 16 });
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      return undefined;
    }
  }

  /** Sealed with a key other than the current one: rewrite it. */
  needsReseal(sealed: string): boolean {
    return sealed.split(".")[1] !== this.current;
  }
}
