import { createPublicKey, type KeyObject } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { jwtVerify } from "jose";
import { basicClientMatches, sameSecret } from "./idp-http";
import type { TestIdentityProviderStats } from "./idp-options";

export const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** What the grants need of the provider: who its client is, how it mints, what it issued. */
export interface GrantHost {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly stats: TestIdentityProviderStats;
  mint(claims: Record<string, unknown>, options: { expiresIn?: number; audience?: string | string[] }): string;
}

export interface GrantAnswer {
  status: number;
  body: Record<string, unknown>;
}

const refuse = (error: string, status = 400): GrantAnswer => ({ status, body: { error } });

/**
 * The provider's `/token` grants: `client_credentials` and RFC 8693 token exchange, for a client authenticated
 * with `client_secret_basic`, `client_secret_post` or `private_key_jwt` (a key registered with
 * `acceptClientKey`; each assertion's `jti` is accepted once). Exchanged tokens keep the user as `sub`, carry
 * the requested `audience` (or `resource`) as `aud` and name the client in `act` (RFC 8693 §4.1).
 */
export class TokenGrants {
  private readonly clientKeys: KeyObject[] = [];
  private readonly seenAssertions = new Set<string>();
  /** Audiences (or resources) for which an exchange is refused with `invalid_target`. */
  readonly refusedAudiences = new Set<string>();
  /** Lifetime of issued tokens, in seconds. */
  lifetimeSeconds = 300;

  constructor(
    private readonly host: GrantHost,
    /** RFC 7662 view of a token the provider issued: `active` and its claims. */
    private readonly introspect: (token: string) => Record<string, unknown>,
  ) {}

  acceptClientKey(publicKey: KeyObject | string): void {
    this.clientKeys.push(typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey.type === "private" ? createPublicKey(publicKey) : publicKey);
  }

  async answer(req: IncomingMessage, body: URLSearchParams): Promise<GrantAnswer> {
    if ((req.method ?? "GET") !== "POST") return refuse("invalid_request", 405);
    if (!(await this.clientAuthenticated(req, body))) return refuse("invalid_client", 401);
    const grant = body.get("grant_type");
    if (grant === "client_credentials") {
      this.host.stats.clientCredentialsRequests++;
      return this.clientCredentials(body);
    }
    if (grant === TOKEN_EXCHANGE) {
      this.host.stats.exchangeRequests++;
      return this.exchange(body);
    }
    return refuse("unsupported_grant_type");
  }

  private clientCredentials(body: URLSearchParams): GrantAnswer {
    const { clientId } = this.host;
    const scope = body.get("scope") ?? undefined;
    const audience = body.get("audience") ?? body.get("resource") ?? undefined;
    const token = this.host.mint({ sub: clientId, client_id: clientId, ...(scope ? { scope } : {}) }, { expiresIn: this.lifetimeSeconds, ...(audience ? { audience } : {}) });
    return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: this.lifetimeSeconds, ...(scope ? { scope } : {}) } };
  }

  private exchange(body: URLSearchParams): GrantAnswer {
    if (body.get("subject_token_type") !== ACCESS_TOKEN_TYPE) return refuse("invalid_request");
    const subject = this.introspect(body.get("subject_token") ?? "");
    if (subject.active !== true || typeof subject.sub !== "string") return refuse("invalid_grant");
    const audience = body.get("audience") ?? body.get("resource");
    if (!audience) return refuse("invalid_target");
    if (this.refusedAudiences.has(audience)) return refuse("invalid_target");
    const scope = body.get("scope") ?? undefined;
    const { clientId } = this.host;
    const act = { sub: clientId, ...(subject.act !== undefined ? { act: subject.act } : {}) };
    const token = this.host.mint({ sub: subject.sub, client_id: clientId, act, ...(scope ? { scope } : {}) }, { expiresIn: this.lifetimeSeconds, audience });
    return {
      status: 200,
      body: { access_token: token, issued_token_type: ACCESS_TOKEN_TYPE, token_type: "Bearer", expires_in: this.lifetimeSeconds, ...(scope ? { scope } : {}) },
    };
  }

  private async clientAuthenticated(req: IncomingMessage, body: URLSearchParams): Promise<boolean> {
    const { clientId, clientSecret } = this.host;
    if (basicClientMatches(req, clientId, clientSecret)) return true;
    if (body.get("client_secret") !== null) return body.get("client_id") === clientId && sameSecret(body.get("client_secret") ?? "", clientSecret);
    const assertion = body.get("client_assertion");
    if (body.get("client_assertion_type") !== JWT_BEARER || !assertion) return false;
    for (const key of this.clientKeys) {
      try {
        const { payload } = await jwtVerify(assertion, key, {
          issuer: clientId,
          subject: clientId,
          audience: [this.host.tokenEndpoint, this.host.issuer],
          maxTokenAge: "5m",
          requiredClaims: ["exp", "jti"],
        });
        if (this.seenAssertions.has(payload.jti!)) return false;
        this.seenAssertions.add(payload.jti!);
        return body.get("client_id") === null || body.get("client_id") === clientId;
      } catch {
        // Not signed by this key: try the next one.
      }
    }
    return false;
  }
}
