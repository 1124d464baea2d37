import type { KeyObject, JsonWebKey } from "node:crypto";
import type { ServiceTokenSignerOptions } from "./service-token.signer";

/**
 * `createServer({ credentials })`: this server as an OAuth *client* of its authorization server, for the tokens
 * it sends downstream. The token endpoint is `tokenEndpoint`, or found in `issuer`'s RFC 8414 / OpenID metadata.
 *
 * @example
 * ```ts
 * createServer(RepoServer, {
 *   credentials: { issuer: "https://auth.example.com", clientId: "mcp-repos", clientSecret: process.env.MCP_CLIENT_SECRET },
 * })
 * ```
 */
export interface OutgoingCredentialsOptions {
  /** The authorization server; its token endpoint is discovered from its metadata on first use. */
  issuer?: string;
  /** The token endpoint itself (then no discovery). `https`, or `http` to a loopback host. */
  tokenEndpoint?: string;
  /** This server's client id at the authorization server; exchanged tokens name it in their `act` claim. */
  clientId?: string;
  /** `client_secret_basic`. */
  clientSecret?: string;
  /** `private_key_jwt` (RFC 7523): a PEM, JWK or KeyObject; RSA ≥ 2048 bits or EC P-256/384/521. */
  privateKey?: string | Buffer | KeyObject | JsonWebKey;
  /** The assertion's `alg`. Default from the key: RS256, PS256, ES256/384/512. */
  privateKeyAlgorithm?: string;
  /** The assertion's `kid` header, when the authorization server holds several of this client's keys. */
  privateKeyId?: string;
  /** Per token-endpoint request (and discovery), in ms. Default 3000; past it the call answers 503. */
  timeoutMs?: number;
  /** Obtained tokens kept for reuse: `{ maxEntries }` (default 10 000, least recently used out) or `false`. */
  cache?: { maxEntries?: number } | false;
  /** A cached token is renewed this long before its expiry (seconds or `"30s"`). Default `"30s"`. */
  refreshBeforeExpiry?: string | number;
  /** Key and claims for `ctx.credentials.signServiceToken()`. */
  serviceToken?: ServiceTokenSignerOptions;
}
