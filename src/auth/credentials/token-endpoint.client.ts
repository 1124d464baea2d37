import { IdentityProviderUnavailableError } from "../../errors";
import { CredentialRefusedError } from "./credential-errors";
import type { OutgoingToken } from "../../contracts/call-credentials";
import { discoverAuthorizationServer } from "../token/authorization-server-metadata";
import { fetchIdpJson, idpUrl } from "../token/idp-fetch";
import { authenticateClient, type ClientAuthentication } from "./client-authentication";

/** Access tokens beyond this are garbage, not tokens (the incoming side caps at 8 KiB too). */
const MAX_TOKEN_CHARS = 16 * 1024;
const OAUTH_ERROR = /^[a-z_]{1,64}$/;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The authorization server's token endpoint as this server's client sees it: found once (configured, or from
 * RFC 8414 metadata; a failed discovery is retried on the next call), posted to with client authentication, and
 * its answer checked. A refusal (4xx) is a {@link CredentialRefusedError}; anything else that is not a token —
 * network failure, timeout, 5xx, 429, a malformed 200 — is an {@link IdentityProviderUnavailableError} (503).
 */
export class TokenEndpointClient {
  private found?: Promise<URL>;

  constructor(
    private readonly source: { issuer?: string; tokenEndpoint?: URL },
    private readonly auth: ClientAuthentication,
    private readonly timeoutMs: number,
  ) {}

  get clientId(): string {
    return this.auth.clientId;
  }

  /** Posts one grant and returns the token it was answered with. */
  async request(form: URLSearchParams, requestedScopes: string[]): Promise<OutgoingToken> {
    const endpoint = await this.endpoint();
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    await authenticateClient(this.auth, endpoint, form, headers);
    const { status, body } = await fetchIdpJson(endpoint, { method: "POST", headers, body: form.toString() }, this.timeoutMs, { errorBodies: true });
    if (status === 200) return tokenFrom(body, requestedScopes);
    if (status === 400 || status === 401 || status === 403) {
      const error = isObject(body) && typeof body.error === "string" && OAUTH_ERROR.test(body.error) ? body.error : undefined;
      throw new CredentialRefusedError(status === 401 || error === "invalid_client" ? "client_authentication_failed" : "refused", error);
    }
    throw new IdentityProviderUnavailableError();
  }

  private endpoint(): Promise<URL> {
    if (this.source.tokenEndpoint) return Promise.resolve(this.source.tokenEndpoint);
    this.found ??= discoverAuthorizationServer(this.source.issuer!, this.timeoutMs).then(
      (metadata) => {
        try {
          return idpUrl(metadata.token_endpoint, "token_endpoint");
        } catch {
          throw new IdentityProviderUnavailableError();
        }
      },
      (err: unknown) => {
        this.found = undefined;
        throw err;
      },
    );
    return this.found;
  }
}

/** RFC 6749 §5.1: `access_token` and `token_type` are required; `expires_in` and `scope` may be left out. */
function tokenFrom(body: unknown, requestedScopes: string[]): OutgoingToken {
  if (!isObject(body)) throw new IdentityProviderUnavailableError();
  const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn, scope } = body;
  if (typeof accessToken !== "string" || accessToken === "" || accessToken.length > MAX_TOKEN_CHARS || /\s/.test(accessToken)) throw new IdentityProviderUnavailableError();
  if (typeof tokenType !== "string" || tokenType === "") throw new IdentityProviderUnavailableError();
  const lifetime = typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined;
  return {
    accessToken,
    tokenType,
    ...(lifetime !== undefined ? { expiresAt: Math.floor(Date.now() / 1000 + lifetime) } : {}),
    scopes: typeof scope === "string" ? scope.split(" ").filter(Boolean) : [...requestedScopes],
  };
}
