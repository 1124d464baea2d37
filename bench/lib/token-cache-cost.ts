import { createSecretKey, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { JwtStrategy } from "../../src";
import { AUDIENCE, ISSUER } from "./config";
import { signToken } from "./mcp-client";

/** Calls before timing, on tokens used for nothing else: JIT, and jsonwebtoken loaded on first use. */
const WARMUP_CALLS = 200;

async function timePerCall(strategy: JwtStrategy, tokens: string[]): Promise<number> {
  const started = performance.now();
  for (const token of tokens) await strategy.authenticate({ headers: { authorization: `Bearer ${token}` }, transport: "http" });
  return ((performance.now() - started) * 1000) / tokens.length;
}

/**
 * What `JwtStrategy.authenticate` costs in this process, in µs per call: `missMicros` over `calls` distinct
 * fresh tokens (each seen once, so no cache can help), `hitMicros` over one token presented `calls` times
 * (a verified-token cache answers all but the first). Without a cache the two come out close; with one, the
 * gap is what the cache saves per request. Tokens are signed before any timing starts.
 */
export async function measureTokenCache(calls = 5000): Promise<{ missMicros: number; hitMicros: number }> {
  const secret = randomBytes(32);
  const strategy = new JwtStrategy({ secret: createSecretKey(secret), issuer: ISSUER, audience: AUDIENCE });
  // Distinct subjects make distinct tokens: the same claims signed in the same second would be one token.
  const tokens = Array.from({ length: WARMUP_CALLS + calls + 1 }, (_, i) => signToken(secret, `token-cache-${i}`));
  await timePerCall(strategy, tokens.slice(0, WARMUP_CALLS));
  const missMicros = await timePerCall(strategy, tokens.slice(WARMUP_CALLS, WARMUP_CALLS + calls));
  const repeated = tokens[tokens.length - 1];
  // Its first presentation is the miss that fills a cache; only the presentations after it are timed.
  await timePerCall(strategy, [repeated]);
  const hitMicros = await timePerCall(strategy, new Array<string>(calls).fill(repeated));
  return { missMicros, hitMicros };
}
