import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { basicClientMatches, readForm, sameSecret, sendJson } from "./idp-http";

/** Request counters of a {@link FakeOAuthProvider}. */
export interface FakeOAuthProviderStats {
  authorizations: number;
  codeRedemptions: number;
  refreshes: number;
  revocations: number;
  apiRequests: number;
}

interface Grant {
  user: string;
  expiresAt: number;
}

const token = (prefix: string): string => `${prefix}_${randomBytes(24).toString("base64url")}`;

/**
 * A third-party OAuth 2.0 provider on 127.0.0.1 for integration-token tests, in GitHub's shape: `/authorize`
 * (authorization code with PKCE S256 required and exact redirect URIs, approving at once as `user`), `/token`
 * (code redemption and rotating refresh tokens, client secret by Basic or form), `/revoke` and an API endpoint
 * `/user` that answers `{ login }` for a valid access token. `approve(url)` plays the browser.
 *
 * @example
 * ```ts
 * const github = await FakeOAuthProvider.start()
 * github.allowRedirectUri(`${origin}/oauth/callback`)
 * const page = await github.approve(elicitationUrl)   // → the callback's { status, text }
 * ```
 */
export class FakeOAuthProvider {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly userEndpoint: string;
  readonly clientId = `fake-client-${randomBytes(4).toString("hex")}`;
  readonly clientSecret = randomBytes(24).toString("base64url");
  readonly stats: FakeOAuthProviderStats = { authorizations: 0, codeRedemptions: 0, refreshes: 0, revocations: 0, apiRequests: 0 };
  /** Who the browser is signed in as when it approves. */
  user = "octocat";
  /** `expires_in` of access tokens, in seconds. */
  accessTokenLifetime = 3600;
  private readonly redirectUris = new Set<string>();
  private readonly codes = new Map<string, { user: string; redirectUri: string; challenge: string }>();
  private readonly access = new Map<string, Grant>();
  private readonly refresh = new Map<string, string>();
  private readonly sockets = new Set<Socket>();
  private readonly everIssued: string[] = [];

  private constructor(private readonly server: Server, readonly origin: string) {
    this.authorizationEndpoint = `${origin}/authorize`;
    this.tokenEndpoint = `${origin}/token`;
    this.revocationEndpoint = `${origin}/revoke`;
    this.userEndpoint = `${origin}/user`;
  }

  static async start(): Promise<FakeOAuthProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const provider = new FakeOAuthProvider(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on("connection", (s: Socket) => {
      provider.sockets.add(s);
      s.once("close", () => provider.sockets.delete(s));
    });
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void provider.handle(req, res).catch(() => res.destroy()));
    return provider;
  }

  /** Registers a redirect URI; only exact matches are accepted (RFC 9700 §2.1). */
  allowRedirectUri(uri: string): void {
    this.redirectUris.add(uri);
  }

  /**
   * Follows an authorization URL as a signed-in browser would: consent, then the redirect back, sending
   * `callbackHeaders` (the browser's cookie for the MCP server, say) with the latter.
   */
  async approve(url: string, callbackHeaders: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const consent = await fetch(url, { redirect: "manual" });
    const location = consent.headers.get("location");
    if (consent.status !== 302 || !location) return { status: consent.status, text: await consent.text() };
    const back = await fetch(location, { redirect: "manual", headers: callbackHeaders });
    return { status: back.status, text: await back.text() };
  }

  /** Every access and refresh token ever issued, valid or not (for leak checks). */
  issuedTokens(): string[] {
    return [...this.everIssued];
  }

  /** Forgets every token of `user`, as a user revoking the app at the provider would. */
  revokeUser(user: string): void {
    for (const [t, g] of this.access) if (g.user === user) this.access.delete(t);
    for (const [t, u] of this.refresh) if (u === user) this.refresh.delete(t);
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.origin);
    if (url.pathname === "/authorize" && req.method === "GET") return this.authorize(url.searchParams, res);
    if (url.pathname === "/user" && req.method === "GET") return this.api(req, res);
    if (req.method !== "POST" || !["/token", "/revoke"].includes(url.pathname)) return sendJson(res, 404, { error: "not_found" });
    const form = await readForm(req);
    const client = basicClientMatches(req, this.clientId, this.clientSecret) || (form.get("client_id") === this.clientId && sameSecret(form.get("client_secret") ?? "", this.clientSecret));
    if (!client) return sendJson(res, 401, { error: "invalid_client" });
    if (url.pathname === "/revoke") {
      this.stats.revocations++;
      this.forget(form.get("token") ?? "");
      return void res.writeHead(200).end();
    }
    const grant = form.get("grant_type");
    if (grant === "authorization_code") return sendJson(res, ...this.redeem(form));
    if (grant === "refresh_token") return sendJson(res, ...this.rotate(form.get("refresh_token") ?? ""));
    return sendJson(res, 400, { error: "unsupported_grant_type" });
  }

  private authorize(q: URLSearchParams, res: ServerResponse): void {
    this.stats.authorizations++;
    const redirectUri = q.get("redirect_uri") ?? "";
    if (q.get("client_id") !== this.clientId || !this.redirectUris.has(redirectUri)) return sendJson(res, 400, { error: "invalid_request" });
    const back = new URL(redirectUri);
    const challenge = q.get("code_challenge");
    if (q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" || !challenge) back.searchParams.set("error", "invalid_request");
    else {
      const code = randomBytes(16).toString("base64url");
      this.codes.set(code, { user: this.user, redirectUri, challenge });
      back.searchParams.set("code", code);
    }
    if (q.has("state")) back.searchParams.set("state", q.get("state")!);
    res.writeHead(302, { location: back.href }).end();
  }

  private redeem(form: URLSearchParams): [number, Record<string, unknown>] {
    this.stats.codeRedemptions++;
    const code = this.codes.get(form.get("code") ?? "");
    this.codes.delete(form.get("code") ?? "");
    const verifier = form.get("code_verifier") ?? "";
    if (!code || code.redirectUri !== form.get("redirect_uri") || createHash("sha256").update(verifier).digest("base64url") !== code.challenge) return [400, { error: "invalid_grant" }];
    return [200, this.issue(code.user)];
  }

  private rotate(refreshToken: string): [number, Record<string, unknown>] {
    this.stats.refreshes++;
    const user = this.refresh.get(refreshToken);
    if (!user) return [400, { error: "invalid_grant" }];
    this.refresh.delete(refreshToken);
    return [200, this.issue(user)];
  }

  private issue(user: string): Record<string, unknown> {
    const accessToken = token("gho");
    const refreshToken = token("ghr");
    this.access.set(accessToken, { user, expiresAt: Date.now() + this.accessTokenLifetime * 1000 });
    this.refresh.set(refreshToken, user);
    this.everIssued.push(accessToken, refreshToken);
    return { access_token: accessToken, token_type: "bearer", expires_in: this.accessTokenLifetime, refresh_token: refreshToken, scope: "repo" };
  }

  private api(req: IncomingMessage, res: ServerResponse): void {
    this.stats.apiRequests++;
    const grant = this.access.get(/^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "");
    if (!grant || grant.expiresAt <= Date.now()) return sendJson(res, 401, { message: "Bad credentials" });
    sendJson(res, 200, { login: grant.user });
  }

  private forget(value: string): void {
    this.access.delete(value);
    this.refresh.delete(value);
  }
}
