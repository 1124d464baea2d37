import { createSecretKey, type KeyObject } from "node:crypto";

/**
 * What every contender shares: the JWT parameters and the wire-level names. The parent generates the secret
 * per run and hands it to each child in the environment, so no secret is ever written to disk.
 */
export const SECRET_ENV = "BENCH_JWT_SECRET";
export const ISSUER = "https://issuer.bench.mcpcraft.test";
// A URL, as MCP resource audiences are (RFC 8707): servers that canonicalise audiences pay for it here.
export const AUDIENCE = "https://bench.mcpcraft.test/mcp";
export const SUBJECT = "bench-client";
export const PROTOCOL_VERSION = "2025-11-25";
/** The line a child prints once it is listening; the parent reads the URL after it. */
export const LISTENING_MARK = "BENCH_LISTENING ";

/** The child's view of the secret: built once into a KeyObject (a string secret costs ~38× more per verify). */
export function secretKeyFromEnv(): KeyObject {
  const raw = process.env[SECRET_ENV];
  if (!raw) throw new Error(`${SECRET_ENV} is not set; start this server through bench/run`);
  const bytes = Buffer.from(raw, "base64url");
  if (bytes.length < 32) throw new Error(`${SECRET_ENV} must hold at least 32 bytes`);
  return createSecretKey(bytes);
}

/**
 * Stdio contenders: the key a server accepts (its configuration) and the credential a client puts in the
 * server's environment (`API_KEY`, mcpcraft's default). The parent sets both to one random value per run.
 */
export const ACCEPTED_KEY_ENV = "BENCH_ACCEPTED_API_KEY";
export const CLIENT_KEY_ENV = "API_KEY";
