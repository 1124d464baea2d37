import { createHash, randomBytes } from "node:crypto";
import { ConfigurationError, IdentityProviderUnavailableError } from "../../errors";
import { basicAuthorization } from "../credentials/client-authentication";
import { fetchIdpJson, idpUrl } from "../token/idp-fetch";

/** A third-party OAuth 2.0 provider users connect their accounts from (GitHub, Google, Slack…). */
export interface IntegrationProviderOptions {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** RFC 7009; when given, `revoke()` revokes the token there too. */
  revocationEndpoint?: string;
  clientId: string;
  clientSecret?: string;
  /** How the secret is sent to the token endpoint. Default `client_secret_basic`; GitHub takes either. */
  clientAuthentication?: "client_secret_basic" | "client_secret_post";
  scopes?: string[];
  /** Named in the elicitation message ("Connect your GitHub account…"). Default: the provider's key. */
  displayName?: string;
}

/** What is stored (encrypted) for one user and provider. */
export interface IntegrationRecord {
  accessToken: string;
  refreshToken?: string;
  /** Epoch seconds. */
  expiresAt?: number;
  scopes: string[];
}

/** The outcome of a token-endpoint request: a record, the provider's refusal, or (thrown) an outage. */
export type TokenOutcome = { ok: true; record: IntegrationRecord } | { ok: false; error?: string };

const b64url = (bytes: Buffer): string => bytes.toString("base64url");

/**
 * One configured provider: builds the authorization URL (authorization code with PKCE S256, RFC 7636) and
 * talks to its token endpoint (code redemption, refresh) and revocation endpoint, through the same bounded,
 * fail-closed fetch as the identity provider of incoming tokens.
 */
export class IntegrationProvider {
  readonly displayName: string;
  private readonly authorization: URL;
  private readonly token: URL;
  private readonly revocation?: URL;

  constructor(
    readonly name: string,
    private readonly options: IntegrationProviderOptions,
    private readonly timeoutMs: number,
  ) {
    const where = `integrations.providers.${name}`;
    if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(name)) throw new ConfigurationError(`integrations.providers: "${name}" must be 1–32 lower-case letters, digits, _ or -`);
    if (typeof options?.clientId !== "string" || options.clientId === "") throw new ConfigurationError(`${where}: clientId is required`);
    this.authorization = idpUrl(options.authorizationEndpoint, `${where}.authorizationEndpoint`);
    this.token = idpUrl(options.tokenEndpoint, `${where}.tokenEndpoint`);
    if (options.revocationEndpoint !== undefined) this.revocation = idpUrl(options.revocationEndpoint, `${where}.revocationEndpoint`);
    this.displayName = options.displayName ?? name;
  }

  /** A fresh PKCE pair and the authorization URL carrying its challenge and `state`. */
  authorizationUrl(state: string, redirectUri: string): { url: string; verifier: string } {
    const verifier = b64url(randomBytes(32));
    const url = new URL(this.authorization);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("client_id", this.options.clientId);
    url.searchParams.set("redirect_uri", redirectUri);
    if (this.options.scopes?.length) url.searchParams.set("scope", this.options.scopes.join(" "));
    url.searchParams.set("state", state);
    url.searchParams.set("code_challenge", b64url(createHash("sha256").update(verifier).digest()));
    url.searchParams.set("code_challenge_method", "S256");
    return { url: url.href, verifier };
  }

  redeem(code: string, verifier: string, redirectUri: string): Promise<TokenOutcome> {
    return this.post(new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: verifier }));
  }

  /** RFC 6749 §6; a provider that sends no new refresh token keeps the old one valid. */
  async refresh(record: IntegrationRecord): Promise<TokenOutcome> {
    const outcome = await this.post(new URLSearchParams({ grant_type: "refresh_token", refresh_token: record.refreshToken! }));
    if (outcome.ok && outcome.record.refreshToken === undefined) outcome.record.refreshToken = record.refreshToken;
    return outcome;
  }

  /** Best effort: a provider that cannot be reached still has the token forgotten here. */
  async revoke(record: IntegrationRecord): Promise<void> {
    if (!this.revocation) return;
    const form = new URLSearchParams({ token: record.refreshToken ?? record.accessToken, token_type_hint: record.refreshToken ? "refresh_token" : "access_token" });
    await fetchIdpJson(this.revocation, { method: "POST", headers: this.headers(form), body: form.toString() }, this.timeoutMs).catch(() => undefined);
  }

  private async post(form: URLSearchParams): Promise<TokenOutcome> {
    const { status, body } = await fetchIdpJson(this.token, { method: "POST", headers: this.headers(form), body: form.toString() }, this.timeoutMs, { errorBodies: true });
    const answer = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const error = typeof answer.error === "string" && /^[a-z_]{1,64}$/.test(answer.error) ? answer.error : undefined;
    // GitHub answers refusals with 200 and an `error` member.
    if (status >= 400 && status < 500) return { ok: false, error };
    if (status !== 200) throw new IdentityProviderUnavailableError();
    if (error) return { ok: false, error };
    const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn, scope } = answer;
    if (typeof accessToken !== "string" || accessToken === "" || accessToken.length > 16_384) throw new IdentityProviderUnavailableError();
    return {
      ok: true,
      record: {
        accessToken,
        ...(typeof refreshToken === "string" && refreshToken ? { refreshToken } : {}),
        ...(typeof expiresIn === "number" && expiresIn > 0 ? { expiresAt: Math.floor(Date.now() / 1000 + expiresIn) } : {}),
        scopes: typeof scope === "string" ? scope.split(/[ ,]/).filter(Boolean) : [...(this.options.scopes ?? [])],
      },
    };
  }

  private headers(form: URLSearchParams): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    const { clientId, clientSecret } = this.options;
    if (clientSecret === undefined) form.set("client_id", clientId);
    else if (this.options.clientAuthentication === "client_secret_post") {
      form.set("client_id", clientId);
      form.set("client_secret", clientSecret);
    } else headers.authorization = basicAuthorization(clientId, clientSecret);
    return headers;
  }
}
