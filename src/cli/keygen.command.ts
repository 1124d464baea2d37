import { createHash, randomBytes } from "node:crypto";

/** A new API key and what a server stores instead of it. */
export interface GeneratedApiKey {
  /** The key id, the `id` of an `ApiKeyEntry` (and the subject `apikey:<id>`). */
  id: string;
  /** The secret the client presents in `x-api-key`; shown once, never stored by the server. */
  key: string;
  /** Hex SHA-256 of `key`: the `sha256` of an `ApiKeyEntry`. */
  sha256: string;
}

/**
 * A random 256-bit API key (`sk-` + base64url) and its SHA-256 digest, the form `ApiKeyStrategy` accepts as
 * `{ id, sha256 }` so the plain key need not live in the server's configuration.
 *
 * @example
 * ```ts
 * const { id, key, sha256 } = generateApiKey("ci")
 * new ApiKeyStrategy({ keys: [{ id, sha256, roles: ["deployer"] }] })   // give `key` to the client
 * ```
 */
export function generateApiKey(id = "default"): GeneratedApiKey {
  const key = `sk-${randomBytes(32).toString("base64url")}`;
  return { id, key, sha256: createHash("sha256").update(key, "utf8").digest("hex") };
}

/** The text `mcpcraft-sdk keygen` prints: the key for the client, the digest and a strategy entry for the server. */
export function describeApiKey({ id, key, sha256 }: GeneratedApiKey): string {
  return [
    "API key (give it to the client, e.g. the x-api-key header or API_KEY for stdio; it is shown only once):",
    `  ${key}`,
    "",
    "SHA-256 digest (configure the server with this, not with the key):",
    `  ${sha256}`,
    "",
    "ApiKeyStrategy entry:",
    `  new ApiKeyStrategy({ keys: [{ id: ${JSON.stringify(id)}, sha256: ${JSON.stringify(sha256)}, roles: [] }] })`,
    "",
    "Or, with the plain key in the server's environment instead:",
    `  API_KEY=${id}:${key}`,
    "",
  ].join("\n");
}
