import { AuthenticationError, IdentityProviderUnavailableError } from "../../errors";
import { fetchIdpJson } from "./idp-fetch";

export interface IntrospectionClientOptions {
  endpoint: URL;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

// RFC 6749 §2.3.1: client id and secret are form-urlencoded before they are joined and base64-encoded.
const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, "+");

/**
 * An RFC 7662 token introspection call: `POST token=…` with HTTP Basic client authentication.
 * Returns the response members of an active token. `active: false` is an {@link AuthenticationError}
 * (`inactive_token`); a down, slow, non-200 or garbage endpoint is an {@link IdentityProviderUnavailableError}.
 * The caller still checks `aud`, `iss` and `exp` of the answer (RFC 7662 §4).
 *
 * @example
 * ```ts
 * const client = new IntrospectionClient({ endpoint: new URL(url), clientId, clientSecret, timeoutMs: 3000 })
 * const claims = await client.introspect(token)
 * ```
 */
export class IntrospectionClient {
  private readonly authorization: string;

  constructor(private readonly options: IntrospectionClientOptions) {
    const credentials = `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`;
    this.authorization = `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`;
  }

  async introspect(token: string): Promise<Record<string, unknown>> {
    const { status, body } = await fetchIdpJson(
      this.options.endpoint,
      {
        method: "POST",
        headers: {
          authorization: this.authorization,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams({ token, token_type_hint: "access_token" }).toString(),
      },
      this.options.timeoutMs,
    );
    // A 401/403 here means *our* client credentials are wrong, not the caller's token: an outage, not a verdict.
    if (status !== 200) throw new IdentityProviderUnavailableError();
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new IdentityProviderUnavailableError();
    const answer = body as Record<string, unknown>;
    const active = Object.prototype.hasOwnProperty.call(answer, "active") ? answer.active : undefined;
    if (active === false) throw new AuthenticationError("inactive_token");
    if (active !== true) throw new IdentityProviderUnavailableError();
    return answer;
  }
}
