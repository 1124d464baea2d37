import type { OutgoingToken, ServiceTokenRequest, TokenTarget } from "../../contracts/call-credentials";
import type { Logger } from "../../contracts/logger";
import { ConfigurationError, IdentityProviderUnavailableError } from "../../errors";
import type { CacheStats } from "../token/bounded-cache";
import { durationSeconds } from "../token/duration";
import { idpUrl } from "../token/idp-fetch";
import { SingleFlightCache } from "../token/single-flight-cache";
import { tokenDigest, verifiedCacheEntries } from "../token/verified-cache";
import { clientAuthenticationFrom } from "./client-authentication";
import { CredentialRefusedError } from "./credential-errors";
import type { OutgoingCredentialsOptions } from "./outgoing-credentials.options";
import { ServiceTokenSigner } from "./service-token.signer";
import { TokenEndpointClient } from "./token-endpoint.client";

export type { OutgoingCredentialsOptions } from "./outgoing-credentials.options";

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The grant a token came from, for logs and cache keys. */
type Grant = "token_exchange" | "client_credentials";

function checkedTarget(target: TokenTarget | undefined, where: string, required: boolean): { audience?: string; resource?: string; scopes: string[] } {
  const { audience, resource, scopes = [] } = target ?? {};
  if (audience !== undefined && (typeof audience !== "string" || audience === "")) throw new ConfigurationError(`${where}: audience must be a non-empty string`);
  if (resource !== undefined) {
    // RFC 8707 §2: an absolute URI without a fragment.
    if (typeof resource !== "string" || !URL.canParse(resource) || resource.includes("#")) throw new ConfigurationError(`${where}: resource must be an absolute URI without a fragment`);
  }
  if (required && audience === undefined && resource === undefined) throw new ConfigurationError(`${where}: name the downstream API with audience or resource`);
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === "string" && SCOPE_TOKEN.test(s))) throw new ConfigurationError(`${where}: scopes must be scope tokens (RFC 6749 §3.3)`);
  return { audience, resource, scopes: [...new Set(scopes)].sort() };
}

/**
 * The server's outgoing credentials (`createServer({ credentials })`), shared by every call: RFC 8693 token
 * exchange for the caller's downstream tokens, the client credentials grant for the server's own, and service
 * JWTs. Obtained tokens are kept (bounded, least recently used out) until `refreshBeforeExpiry` before they
 * expire, and one request per key is in flight at a time. Failures are never kept and never fall back to the
 * caller's own token.
 *
 * @example
 * ```ts
 * const outgoing = new OutgoingCredentials({ issuer, clientId: "mcp-repos", clientSecret }, logger)
 * const { accessToken } = await outgoing.exchange(ctx.auth?.token, { audience: "https://api.example.com" })
 * ```
 */
export class OutgoingCredentials {
  private readonly client?: TokenEndpointClient;
  private readonly signer?: ServiceTokenSigner;
  private readonly cache: SingleFlightCache<OutgoingToken>;
  private readonly marginMs: number;
  private requests = 0;

  constructor(
    options: OutgoingCredentialsOptions,
    private readonly logger: Logger,
  ) {
    if (!options || typeof options !== "object") throw new ConfigurationError("credentials must be an options object");
    if (options.serviceToken !== undefined) this.signer = new ServiceTokenSigner(options.serviceToken);
    const wantsGrants = options.issuer !== undefined || options.tokenEndpoint !== undefined || options.clientId !== undefined;
    if (wantsGrants) {
      if ((options.issuer === undefined) === (options.tokenEndpoint === undefined)) throw new ConfigurationError("credentials: give exactly one of issuer or tokenEndpoint");
      if (options.issuer !== undefined) idpUrl(options.issuer, "credentials.issuer");
      const tokenEndpoint = options.tokenEndpoint !== undefined ? idpUrl(options.tokenEndpoint, "credentials.tokenEndpoint") : undefined;
      const timeoutMs = options.timeoutMs ?? 3000;
      if (!(timeoutMs > 0)) throw new ConfigurationError("credentials.timeoutMs must be positive");
      this.client = new TokenEndpointClient({ issuer: options.issuer, tokenEndpoint }, clientAuthenticationFrom(options), timeoutMs);
    }
    this.cache = new SingleFlightCache(verifiedCacheEntries(options.cache, "credentials", "cache.maxEntries"), Date.now);
    this.marginMs = durationSeconds(options.refreshBeforeExpiry ?? "30s", "credentials.refreshBeforeExpiry") * 1000;
  }

  /** Token exchange with `subjectToken` (the caller's incoming bearer token) as the RFC 8693 `subject_token`. */
  async exchange(subjectToken: string | undefined, target: TokenTarget): Promise<OutgoingToken> {
    const t = checkedTarget(target, "credentials.exchange", true);
    const client = this.grants("exchange");
    if (!subjectToken) throw new CredentialRefusedError("no_subject_token");
    const form = new URLSearchParams({ grant_type: TOKEN_EXCHANGE, subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, requested_token_type: ACCESS_TOKEN_TYPE });
    // Keyed by the subject token's digest, not just its `sub`: a new token (other scopes, re-issued after a
    // revocation) gets the authorization server's own decision rather than a token minted for the old one.
    return this.obtain(client, "token_exchange", `x|${tokenDigest(subjectToken)}`, t, form);
  }

  /** The client credentials grant: a token for this server itself. */
  async clientCredentials(target?: TokenTarget): Promise<OutgoingToken> {
    const t = checkedTarget(target, "credentials.clientCredentials", false);
    return this.obtain(this.grants("clientCredentials"), "client_credentials", "cc", t, new URLSearchParams({ grant_type: "client_credentials" }));
  }

  /** A service JWT from `credentials.serviceToken`. */
  async signServiceToken(request: ServiceTokenRequest): Promise<string> {
    if (!this.signer) throw new ConfigurationError("ctx.credentials.signServiceToken() needs createServer({ credentials: { serviceToken: { issuer, secret | privateKey } } })");
    return this.signer.sign(request);
  }

  /** Token-endpoint requests made so far and the token cache's counters, for metrics and tests. */
  stats(): { tokenRequests: number; cache: CacheStats } {
    return { tokenRequests: this.requests, cache: this.cache.stats() };
  }

  private grants(method: string): TokenEndpointClient {
    if (!this.client) throw new ConfigurationError(`ctx.credentials.${method}() needs createServer({ credentials: { issuer | tokenEndpoint, clientId, clientSecret | privateKey } })`);
    return this.client;
  }

  private obtain(client: TokenEndpointClient, grant: Grant, subjectKey: string, t: { audience?: string; resource?: string; scopes: string[] }, form: URLSearchParams): Promise<OutgoingToken> {
    if (t.audience !== undefined) form.set("audience", t.audience);
    if (t.resource !== undefined) form.set("resource", t.resource);
    if (t.scopes.length) form.set("scope", t.scopes.join(" "));
    const key = JSON.stringify([subjectKey, t.audience ?? null, t.resource ?? null, t.scopes]);
    return this.cache.get(key, async () => {
      this.requests++;
      const fields = { grant, audience: t.audience, resource: t.resource, scopes: t.scopes };
      try {
        const token = await client.request(form, t.scopes);
        this.logger.debug({ event: "credentials.issued", ...fields, expiresAt: token.expiresAt }, "outgoing token obtained");
        return { value: Object.freeze(token), reuseUntil: this.reuseUntil(token) };
      } catch (err) {
        if (err instanceof CredentialRefusedError) this.logger.warn({ event: "credentials.refused", ...fields, reason: err.reason, error: err.oauthError }, "authorization server refused an outgoing token");
        else if (err instanceof IdentityProviderUnavailableError) this.logger.warn({ event: "credentials.unavailable", ...fields }, "authorization server unavailable for an outgoing token");
        throw err;
      }
    });
  }

  /** Renewed `marginMs` before expiry, or at half its lifetime when that is shorter; no expiry, no reuse. */
  private reuseUntil(token: OutgoingToken): number | undefined {
    if (token.expiresAt === undefined) return undefined;
    const now = Date.now();
    const expires = token.expiresAt * 1000;
    return expires - Math.min(this.marginMs, (expires - now) / 2);
  }
}
