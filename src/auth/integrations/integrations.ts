import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { AuthContext } from "../../contracts/auth-context";
import type { Logger } from "../../contracts/logger";
import { ConfigurationError, ForbiddenError } from "../../errors";
import { durationSeconds } from "../token/duration";
import { SingleFlightCache } from "../token/single-flight-cache";
import { IntegrationProvider, type IntegrationProviderOptions, type IntegrationRecord } from "./integration-provider";
import { IntegrationRequiredError } from "./integration-required.error";
import { MemoryIntegrationStore, type IntegrationStore } from "./integration-store";
import { TokenSealer, type SealingKey } from "./token-sealer";

/**
 * `createServer({ integrations })`: third-party providers users connect their own accounts from, and where the
 * tokens are kept (encrypted with AES-256-GCM before the store sees them).
 *
 * @example
 * ```ts
 * integrations: {
 *   providers: { github: { authorizationEndpoint: "https://github.com/login/oauth/authorize",
 *     tokenEndpoint: "https://github.com/login/oauth/access_token", clientId, clientSecret, scopes: ["repo"] } },
 *   store: new RedisIntegrationStore({ redis: process.env.REDIS_URL! }),
 *   redirectUri: "https://mcp.example.com/oauth/callback",
 * }
 * ```
 */
export interface IntegrationsOptions {
  providers: Record<string, IntegrationProviderOptions>;
  /** Default: in memory (one process). */
  store?: IntegrationStore;
  /** Default: `MCPCRAFT_INTEGRATION_KEYS`; required with a store other than the memory one. */
  encryptionKeys?: SealingKey[];
  /** The exact redirect URI registered at every provider. Default: `<listening origin>/oauth/callback`. */
  redirectUri?: string;
  /** Renew a token with its refresh token this long before it expires. Default `"60s"`. */
  refreshBeforeExpiry?: string | number;
  /** How long a connect link stays valid. Default `"10m"`. */
  connectTimeout?: string | number;
  /** Per request to a provider, in ms. Default 5000. */
  timeoutMs?: number;
  /**
   * With a client that declared URL elicitation, on a stateful session: ask with `elicitation/create` and let the
   * call wait (up to `connectTimeout`) for the connection, instead of answering -32042 for the client to retry.
   * Default false.
   */
  awaitConnection?: boolean;
  /**
   * Who the browser finishing a connect flow is, as your app knows it (its own sign-in cookie): the subject
   * (`ctx.auth.subject`) or `undefined`. When given, a callback completes only for the user who asked, so a
   * forwarded connect link cannot attach someone else's account. Without it, the `state` alone decides.
   */
  confirmUser?: (req: IncomingMessage) => string | undefined | Promise<string | undefined>;
}

/**
 * Where the callback learns whether the session that asked for a connect link still exists: each stateful HTTP
 * host hands its session registry in (`watchSessions`), so auth never reaches into the transport.
 */
export interface SessionDirectory {
  /** Whether a request naming this session would still be served, by this instance or (shared sessions) another. */
  live(sessionId: string): boolean | Promise<boolean>;
}

/** A connect link in flight: who asked, from which session, and the PKCE verifier only this server knows. */
interface Pending {
  provider: string;
  /** The token record's owner: strategy and subject. */
  subject: string;
  /** `ctx.auth.subject` of who asked, for `confirmUser`. */
  caller: string;
  sessionId?: string;
  verifier: string;
  redirectUri: string;
  elicitationId: string;
}

/** How a callback ended, for the page the browser is shown (never with a token or the provider's text). */
export type CallbackOutcome = { ok: true; provider: string; elicitationId: string; sessionId?: string } | { ok: false; reason: "unknown_state" | "denied" | "refused" | "wrong_user" | "session_ended" };

const digest = (value: string): string => createHash("sha256").update(value).digest("base64url");

/**
 * Integration tokens (the guide's GitHub example): per user and provider, stored sealed, refreshed before
 * expiry (one refresh per user and provider at a time), forgotten on revoke or when a refresh is refused. A
 * user without one is sent to the provider's authorization page by URL elicitation; the callback redeems the
 * code (PKCE) for exactly the user and session that asked, once.
 */
export class Integrations {
  readonly store: IntegrationStore;
  private readonly sealer: TokenSealer;
  private readonly providers = new Map<string, IntegrationProvider>();
  private readonly refreshes = new SingleFlightCache<string | undefined>(0, Date.now);
  private readonly marginMs: number;
  /** How long a connect link stays valid, in ms. */
  readonly connectMs: number;
  readonly awaitConnection: boolean;
  private redirectUri?: string;
  readonly callbackPath: string;
  private readonly confirmUser?: IntegrationsOptions["confirmUser"];
  private readonly directories = new Set<SessionDirectory>();

  constructor(options: IntegrationsOptions, private readonly logger: Logger) {
    if (!options || typeof options.providers !== "object" || !Object.keys(options.providers).length) throw new ConfigurationError("integrations.providers must name at least one provider");
    const timeoutMs = options.timeoutMs ?? 5000;
    for (const [name, provider] of Object.entries(options.providers)) this.providers.set(name, new IntegrationProvider(name, provider, timeoutMs));
    this.store = options.store ?? new MemoryIntegrationStore();
    const sealer = options.encryptionKeys ? new TokenSealer(options.encryptionKeys) : TokenSealer.fromEnv();
    if (!sealer && !(this.store instanceof MemoryIntegrationStore))
      throw new ConfigurationError("integrations: a shared store needs encryption keys: set MCPCRAFT_INTEGRATION_KEYS or encryptionKeys");
    // In memory only, tokens die with the process, so a key that does too is enough.
    this.sealer = sealer ?? new TokenSealer([{ id: "ephemeral", key: randomBytes(32) }]);
    this.marginMs = durationSeconds(options.refreshBeforeExpiry ?? "60s", "integrations.refreshBeforeExpiry") * 1000;
    this.connectMs = durationSeconds(options.connectTimeout ?? "10m", "integrations.connectTimeout") * 1000;
    if (options.redirectUri !== undefined) this.redirectUri = new URL(options.redirectUri).href;
    this.callbackPath = this.redirectUri ? new URL(this.redirectUri).pathname : "/oauth/callback";
    if (options.confirmUser !== undefined && typeof options.confirmUser !== "function") throw new ConfigurationError("integrations.confirmUser must be a function");
    this.confirmUser = options.confirmUser;
    this.awaitConnection = options.awaitConnection === true;
  }

  has(name: string): boolean {
    return this.providers.has(name);
  }

  /** Called when the server starts listening, for the default redirect URI. */
  listeningAt(origin: string): void {
    this.redirectUri ??= new URL(this.callbackPath, origin).href;
  }

  /** Called by each stateful HTTP host; the returned function forgets the directory (when the host closes). */
  watchSessions(directory: SessionDirectory): () => void {
    this.directories.add(directory);
    return () => void this.directories.delete(directory);
  }

  async token(principal: AuthContext | undefined, sessionId: string | undefined, name: string): Promise<string> {
    const provider = this.provider(name);
    const subject = userOf(principal);
    const key = tokenKey(subject, name);
    const record = await this.read(key);
    if (record && (record.expiresAt === undefined || record.expiresAt * 1000 - this.marginMs > Date.now())) return record.accessToken;
    if (record?.refreshToken) {
      const renewed = await this.refreshes.get(key, async () => ({ value: await this.refresh(provider, key, record) }));
      if (renewed) return renewed;
    } else if (record) await this.store.delete(key);
    throw await this.connect(provider, subject, principal!.subject, sessionId);
  }

  async connected(principal: AuthContext | undefined, name: string): Promise<boolean> {
    this.provider(name);
    return (await this.read(tokenKey(userOf(principal), name))) !== undefined;
  }

  async revoke(principal: AuthContext | undefined, name: string): Promise<void> {
    const provider = this.provider(name);
    const key = tokenKey(userOf(principal), name);
    const record = await this.read(key);
    await this.store.delete(key);
    if (record) await provider.revoke(record);
    this.logger.info({ event: "integration.revoked", provider: name }, "integration token revoked");
  }

  /** The OAuth callback: the pending connect is taken (so a replayed `state` finds nothing) and its code redeemed. */
  async complete(query: URLSearchParams, req: IncomingMessage): Promise<CallbackOutcome> {
    const state = query.get("state");
    const sealed = state ? await this.store.take(stateKey(state)) : undefined;
    const text = sealed && state ? this.sealer.open(sealed, stateKey(state)) : undefined;
    if (!text) return { ok: false, reason: "unknown_state" };
    const pending = JSON.parse(text) as Pending;
    // The state is consumed either way: a link opened by the wrong person is spent, not left for the right one.
    if (this.confirmUser && (await this.confirmUser(req)) !== pending.caller) return { ok: false, reason: "wrong_user" };
    // A link asked for from a session is bound to it: once that session is gone (DELETE, expiry, drain), nothing connects.
    if (pending.sessionId !== undefined && !(await this.sessionLive(pending.sessionId))) {
      this.logger.info({ event: "integration.session_ended", provider: pending.provider }, "connect link refused: the session that asked has ended");
      return { ok: false, reason: "session_ended" };
    }
    const code = query.get("code");
    if (!code || query.has("error")) return { ok: false, reason: "denied" };
    const outcome = await this.provider(pending.provider).redeem(code, pending.verifier, pending.redirectUri);
    if (!outcome.ok) {
      this.logger.warn({ event: "integration.refused", provider: pending.provider, error: outcome.error }, "provider refused the authorization code");
      return { ok: false, reason: "refused" };
    }
    await this.write(tokenKey(pending.subject, pending.provider), outcome.record);
    this.logger.info({ event: "integration.connected", provider: pending.provider }, "integration connected");
    return { ok: true, provider: pending.provider, elicitationId: pending.elicitationId, sessionId: pending.sessionId };
  }

  private async sessionLive(sessionId: string): Promise<boolean> {
    for (const directory of this.directories) if (await directory.live(sessionId)) return true;
    return false;
  }

  private provider(name: string): IntegrationProvider {
    const provider = this.providers.get(name);
    if (!provider) throw new ConfigurationError(`no integration "${name}": configure it in createServer({ integrations: { providers } })`);
    return provider;
  }

  /** `undefined` when the refresh was refused: the token is forgotten and the user asked to connect again. */
  private async refresh(provider: IntegrationProvider, key: string, record: IntegrationRecord): Promise<string | undefined> {
    const outcome = await provider.refresh(record);
    if (!outcome.ok) {
      // Another instance may have refreshed first (a rotating refresh token is then spent): use its result.
      const current = await this.read(key);
      if (current && current.accessToken !== record.accessToken) return current.accessToken;
      await this.store.delete(key);
      this.logger.warn({ event: "integration.refresh_refused", provider: provider.name, error: outcome.error }, "refresh refused; the user must connect again");
      return undefined;
    }
    await this.write(key, outcome.record);
    return outcome.record.accessToken;
  }

  private async connect(provider: IntegrationProvider, subject: string, caller: string, sessionId: string | undefined): Promise<IntegrationRequiredError> {
    if (!this.redirectUri) throw new ConfigurationError("integrations: no redirect URI yet; set integrations.redirectUri or listen() over HTTP");
    const state = randomBytes(32).toString("base64url");
    const { url, verifier } = provider.authorizationUrl(state, this.redirectUri);
    const pending: Pending = { provider: provider.name, subject, caller, sessionId, verifier, redirectUri: this.redirectUri, elicitationId: randomUUID() };
    await this.store.set(stateKey(state), this.sealer.seal(JSON.stringify(pending), stateKey(state)), this.connectMs);
    return new IntegrationRequiredError([{ mode: "url", elicitationId: pending.elicitationId, url, message: `Connect your ${provider.displayName} account to continue` }]);
  }

  private async read(key: string): Promise<IntegrationRecord | undefined> {
    const sealed = await this.store.get(key);
    const text = sealed ? this.sealer.open(sealed, key) : undefined;
    if (!text) return undefined;
    const record = JSON.parse(text) as IntegrationRecord;
    // Key rotation: whatever is read under an older key is written back under the current one.
    if (this.sealer.needsReseal(sealed!)) await this.write(key, record);
    return record;
  }

  private write(key: string, record: IntegrationRecord): Promise<void> {
    return this.store.set(key, this.sealer.seal(JSON.stringify(record), key));
  }
}

function userOf(principal: AuthContext | undefined): string {
  if (!principal) throw new ForbiddenError("Forbidden: integrations need an authenticated caller");
  return `${principal.strategy}:${principal.subject}`;
}

/** Keys hold digests, so the store's key space shows neither user ids nor states. */
const tokenKey = (subject: string, provider: string): string => `token:${digest(subject)}:${provider}`;
const stateKey = (state: string): string => `state:${digest(state)}`;
