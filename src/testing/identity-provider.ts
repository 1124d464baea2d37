import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { durationSeconds } from "../auth/token/duration";
import type { KeyObject } from "node:crypto";
import { basicClientMatches, parseObject, readForm, sendJson, unauthorizedClient } from "./idp-http";
import { IssuedTokens } from "./idp-issued-tokens";
import { IdpKeyRing, type TestSigningAlgorithm } from "./idp-key-ring";
import { TokenGrants } from "./idp-token-grants";
import { authorizationServerMetadata, type MintOptions, type TestIdentityProviderMode, type TestIdentityProviderOptions, type TestIdentityProviderStats } from "./idp-options";

export type { MintOptions, TestIdentityProviderMode, TestIdentityProviderOptions, TestIdentityProviderStats, TestSigningAlgorithm };

type Route = "metadata" | "jwks" | "introspect" | "revoke" | "token" | "authorize";
const ROUTES: Record<string, Route> = {
  "/.well-known/oauth-authorization-server": "metadata",
  "/.well-known/openid-configuration": "metadata",
  "/jwks": "jwks",
  "/introspect": "introspect",
  "/revoke": "revoke",
  "/token": "token",
  "/authorize": "authorize",
};
const COUNTER: Partial<Record<Route, keyof TestIdentityProviderStats>> = {
  metadata: "metadataRequests",
  jwks: "jwksRequests",
  introspect: "introspectionRequests",
  revoke: "revocationRequests",
  token: "tokenRequests",
};

function seconds(value: string | number): number {
  return typeof value === "number" ? Math.trunc(value) : durationSeconds(value, "expiresIn");
}

/**
 * A real OAuth 2.1 authorization server on 127.0.0.1 for tests: RFC 8414 and OpenID metadata, a JWKS with an
 * RSA-2048 and an EC P-256 key, RFC 7662 introspection and RFC 7009 revocation (HTTP Basic client auth), and a
 * token endpoint serving `client_credentials` and RFC 8693 token exchange (client secret or `private_key_jwt`;
 * exchanged tokens name the client in `act`). Tokens are minted synchronously; fault modes and request
 * counters make outage, caching and refetch-amplification tests possible without mocking HTTP.
 *
 * @example
 * ```ts
 * const idp = await TestIdentityProvider.start({ audience: "http://127.0.0.1/mcp" })
 * const strategy = new OAuthStrategy({ issuer: idp.issuer, audience: idp.audience })
 * const token = idp.mint({ sub: "alice", scope: "repo:read" }, { expiresIn: "5m" })
 * await strategy.authenticate({ headers: { authorization: `Bearer ${token}` }, transport: "http" })
 * idp.setMode("down")   // now every endpoint answers 503
 * await idp.stop()
 * ```
 */
export class TestIdentityProvider {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly introspectionEndpoint: string;
  readonly revocationEndpoint: string;
  readonly tokenEndpoint: string;
  /** Published because RFC 8414/OIDC clients (the official SDK's among them) require it; answers 400, no browser flow. */
  readonly authorizationEndpoint: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Default `aud` of minted tokens; settable. */
  audience: string;
  readonly stats: TestIdentityProviderStats = {
    jwksRequests: 0,
    introspectionRequests: 0,
    metadataRequests: 0,
    tokenRequests: 0,
    revocationRequests: 0,
    exchangeRequests: 0,
    clientCredentialsRequests: 0,
  };

  private mode: TestIdentityProviderMode = "ok";
  private readonly keys = new IdpKeyRing();
  private readonly issued = new IssuedTokens();
  /** `/token`'s grants; they read this provider's fields per request, after the constructor has set them. */
  private readonly grants = new TokenGrants(this, (token) => this.issued.introspect(token, this.clientId));
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();
  private stopped = false;

  private constructor(
    private readonly server: Server,
    port: number,
    options: TestIdentityProviderOptions,
    private readonly slowMs: number,
  ) {
    this.issuer = `http://127.0.0.1:${port}`;
    this.jwksUri = `${this.issuer}/jwks`;
    this.introspectionEndpoint = `${this.issuer}/introspect`;
    this.revocationEndpoint = `${this.issuer}/revoke`;
    this.tokenEndpoint = `${this.issuer}/token`;
    this.authorizationEndpoint = `${this.issuer}/authorize`;
    this.clientId = options.clientId ?? `mcp-rs-${randomBytes(4).toString("hex")}`;
    this.clientSecret = options.clientSecret ?? randomBytes(24).toString("base64url");
    this.audience = options.audience ?? "http://127.0.0.1/mcp";
  }

  /** Starts the provider on 127.0.0.1 (a free port) with fresh RS256 and ES256 keys. */
  static async start(options: TestIdentityProviderOptions = {}): Promise<TestIdentityProvider> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const idp = new TestIdentityProvider(server, port, options, options.slowMs ?? 10_000);
    server.on("connection", (socket: Socket) => {
      idp.sockets.add(socket);
      socket.once("close", () => idp.sockets.delete(socket));
    });
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      idp.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
    try {
      await idp.keys.rotate();
    } catch (err) {
      await idp.stop();
      throw err;
    }
    return idp;
  }

  /** Switches every endpoint to a fault mode (or back to `ok`). */
  setMode(mode: TestIdentityProviderMode): void {
    this.mode = mode;
  }

  /** Kids currently published in the JWKS. */
  kids(): string[] {
    return this.keys.kids();
  }

  /** The kid `mint` uses by default for an algorithm (the newest key). */
  currentKid(alg: TestSigningAlgorithm = "RS256"): string {
    return this.keys.newest(alg).kid;
  }

  /** SPKI PEM of the newest public key for an algorithm. */
  publicKeyPem(alg: TestSigningAlgorithm = "RS256"): string {
    return this.keys.newest(alg).publicKey.export({ type: "spki", format: "pem" }).toString();
  }

  /**
   * A signed JWT access token. Adds `iss`, `aud`, `iat`, `exp` and `jti` unless the claims set them; a claim
   * set to `undefined` is left out (`{ exp: undefined }` mints a token without `exp`).
   */
  mint(claims: Record<string, unknown> = {}, options: MintOptions = {}): string {
    const key = options.kid !== undefined ? this.keys.byKid(options.kid) : this.keys.newest(options.alg ?? "RS256");
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: this.issuer,
      aud: options.audience ?? this.audience,
      iat: now,
      exp: now + seconds(options.expiresIn ?? "5m"),
      jti: randomBytes(12).toString("base64url"),
      ...claims,
    };
    const token = this.keys.sign(key, { typ: "at+jwt", ...options.header }, options.rawPayload ?? JSON.stringify(payload));
    this.issued.record(token, options.rawPayload === undefined ? payload : parseObject(options.rawPayload));
    return token;
  }

  /** A random opaque access token known to `/introspect`, with the same default claims as {@link mint}. */
  mintOpaque(claims: Record<string, unknown> = {}, options: { expiresIn?: string | number; audience?: string | string[] } = {}): string {
    const token = randomBytes(32).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    this.issued.record(token, {
      iss: this.issuer,
      aud: options.audience ?? this.audience,
      iat: now,
      exp: now + seconds(options.expiresIn ?? "5m"),
      client_id: this.clientId,
      token_type: "Bearer",
      ...claims,
    });
    return token;
  }

  /** Revokes a token: introspection answers `active: false` for it from now on. */
  revoke(token: string): void {
    this.issued.revoke(token);
  }

  /** Adds a new RS256 and ES256 key pair; they become the default for minting, the old keys stay published. */
  async rotateKeys(): Promise<{ RS256: string; ES256: string }> {
    return this.keys.rotate();
  }

  /** Removes a key from the JWKS; tokens signed with it can no longer be verified once clients refetch. */
  retireKey(kid: string): void {
    this.keys.retire(kid);
  }

  /** Accepts `private_key_jwt` client assertions (RFC 7523) signed with this key's private half at `/token`. */
  acceptClientKey(publicKey: KeyObject | string): void {
    this.grants.acceptClientKey(publicKey);
  }

  /** Refuses token exchanges for this audience (or resource) with `invalid_target`, as a real policy would. */
  refuseExchangeFor(audience: string): void {
    this.grants.refusedAudiences.add(audience);
  }

  /** Lifetime (`expires_in`) of tokens `/token` issues, in seconds. Default 300. */
  setIssuedTokenLifetime(seconds: number): void { this.grants.lifetimeSeconds = seconds; }

  /** Stops listening, ends held (slow) responses and destroys every open socket, so nothing keeps the process alive. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const entry of this.held) {
      clearTimeout(entry.timer);
      entry.res.destroy();
    }
    this.held.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = ROUTES[new URL(req.url ?? "/", this.issuer).pathname];
    if (!route) return sendJson(res, 404, { error: "not_found" });
    const counter = COUNTER[route];
    if (counter) this.stats[counter]++;
    const body = req.method === "POST" ? await readForm(req) : new URLSearchParams();
    if (this.mode !== "ok") return this.fault(res);
    switch (route) {
      case "metadata":
        return sendJson(res, 200, authorizationServerMetadata(this));
      case "jwks":
        return sendJson(res, 200, this.keys.jwks());
      case "introspect":
        if (!this.postedByClient(req, res)) return;
        return sendJson(res, 200, this.issued.introspect(body.get("token") ?? "", this.clientId));
      case "revoke":
        if (!this.postedByClient(req, res)) return;
        // RFC 7009 §2.2: 200 whether or not the token was known.
        this.revoke(body.get("token") ?? "");
        res.writeHead(200).end();
        return;
      case "token":
        return this.token(req, res, body);
      case "authorize":
        // Tokens come from /token or mint(); there is no interactive (browser) flow to run.
        return sendJson(res, 400, { error: "unsupported_response_type" });
    }
  }

  /** The fault modes: 503, 200 with a body that is not JSON, or a response held until `slowMs` (then 503). */
  private fault(res: ServerResponse): void {
    if (this.mode === "down") return sendJson(res, 503, { error: "temporarily_unavailable" });
    if (this.mode === "garbage") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("<html><body>502 Bad Gateway</body></html>{");
      return;
    }
    const entry = {
      res,
      timer: setTimeout(() => {
        this.held.delete(entry);
        sendJson(res, 503, { error: "temporarily_unavailable" });
      }, this.slowMs),
    };
    entry.timer.unref();
    this.held.add(entry);
    res.once("close", () => {
      clearTimeout(entry.timer);
      this.held.delete(entry);
    });
  }

  /** Introspection and revocation: POST only, HTTP Basic client authentication. Answers the refusal itself. */
  private postedByClient(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== "POST") {
      sendJson(res, 405, { error: "invalid_request" });
      return false;
    }
    if (!basicClientMatches(req, this.clientId, this.clientSecret)) {
      unauthorizedClient(res);
      return false;
    }
    return true;
  }

  private async token(req: IncomingMessage, res: ServerResponse, body: URLSearchParams): Promise<void> {
    const { status, body: answer } = await this.grants.answer(req, body);
    if (status === 401) return unauthorizedClient(res);
    sendJson(res, status, answer);
  }
}
