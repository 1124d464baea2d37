import { createHash, generateKeyPair, randomBytes, sign, timingSafeEqual, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { promisify } from "node:util";
import { exportJWK, type JWK } from "jose";
import { durationSeconds } from "../auth/token/duration";

/** How the provider answers: normally, 503, hanging, or 200 with a body that is not JSON. */
export type TestIdentityProviderMode = "ok" | "down" | "slow" | "garbage";

/** Signing algorithms the test provider holds keys for. */
export type TestSigningAlgorithm = "RS256" | "ES256";

export interface TestIdentityProviderOptions {
  /** Default audience of minted tokens (this MCP server's URI). Default `http://127.0.0.1/mcp`. */
  audience?: string;
  /** Client credentials accepted by `/introspect`, `/revoke` and `/token`. Random by default. */
  clientId?: string;
  clientSecret?: string;
  /** How long `slow` mode holds a response before answering 503, in ms. Default 10 000 (past a 3 s client timeout). */
  slowMs?: number;
}

export interface MintOptions {
  /** Seconds (negative for an already expired token) or a timespan like `"5m"`. Default `"5m"`. */
  expiresIn?: string | number;
  /** Default `RS256`. */
  alg?: TestSigningAlgorithm;
  /** Sign with this key (must be one the provider holds) and put it in the header. Default: the newest key for `alg`. */
  kid?: string;
  /** The `aud` claim. Default: the provider's `audience`. */
  audience?: string | string[];
  /** Header fields to add or override (`typ`, `crit`, even `kid` for keys the provider does not hold). */
  header?: Record<string, unknown>;
  /** Sign exactly this payload text instead of the claims (hostile payloads: arrays, own `__proto__` keys…). */
  rawPayload?: string;
}

export interface TestIdentityProviderStats {
  jwksRequests: number;
  introspectionRequests: number;
  metadataRequests: number;
  tokenRequests: number;
  revocationRequests: number;
}

interface SigningKey {
  kid: string;
  alg: TestSigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: JWK;
}

interface IssuedToken {
  claims: Record<string, unknown>;
}

const generate = promisify(generateKeyPair);
const b64url = (value: string | Buffer): string => Buffer.from(value).toString("base64url");
const digest = (token: string): string => createHash("sha256").update(token).digest("hex");
const MAX_BODY = 64 * 1024;

function seconds(value: string | number): number {
  return typeof value === "number" ? Math.trunc(value) : durationSeconds(value, "expiresIn");
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}

const formDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, " "));

/**
 * A real OAuth 2.1 authorization server on 127.0.0.1 for tests: RFC 8414 and OpenID metadata, a JWKS with an
 * RSA-2048 and an EC P-256 key, RFC 7662 introspection and RFC 7009 revocation (HTTP Basic client auth), and a
 * `client_credentials` token endpoint. Tokens are minted synchronously; fault modes and request counters
 * make outage and refetch-amplification tests possible without mocking HTTP.
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
  };

  private mode: TestIdentityProviderMode = "ok";
  private readonly keys: SigningKey[] = [];
  private readonly issued = new Map<string, IssuedToken>();
  private readonly revoked = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();
  private generation = 0;
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
      await idp.addKeyPair();
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
    return this.keys.map((k) => k.kid);
  }

  /** The kid `mint` uses by default for an algorithm (the newest key). */
  currentKid(alg: TestSigningAlgorithm = "RS256"): string {
    return this.signingKey(alg).kid;
  }

  /** SPKI PEM of the newest public key for an algorithm. */
  publicKeyPem(alg: TestSigningAlgorithm = "RS256"): string {
    return this.signingKey(alg).publicKey.export({ type: "spki", format: "pem" }).toString();
  }

  /**
   * A signed JWT access token. Adds `iss`, `aud`, `iat`, `exp` and `jti` unless the claims set them; a claim
   * set to `undefined` is left out (`{ exp: undefined }` mints a token without `exp`).
   */
  mint(claims: Record<string, unknown> = {}, options: MintOptions = {}): string {
    const alg = options.alg ?? "RS256";
    const key = options.kid !== undefined ? this.keys.find((k) => k.kid === options.kid) : this.signingKey(alg);
    if (!key) throw new Error(`TestIdentityProvider: no key with kid ${JSON.stringify(options.kid)}`);
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: this.issuer,
      aud: options.audience ?? this.audience,
      iat: now,
      exp: now + seconds(options.expiresIn ?? "5m"),
      jti: randomBytes(12).toString("base64url"),
      ...claims,
    };
    const header = { alg: key.alg, typ: "at+jwt", kid: key.kid, ...options.header };
    const payloadText = options.rawPayload ?? JSON.stringify(payload);
    const input = `${b64url(JSON.stringify(header))}.${b64url(payloadText)}`;
    const signature =
      key.alg === "ES256"
        ? sign("sha256", Buffer.from(input), { key: key.privateKey, dsaEncoding: "ieee-p1363" })
        : sign("sha256", Buffer.from(input), key.privateKey);
    const token = `${input}.${b64url(signature)}`;
    this.issued.set(digest(token), { claims: options.rawPayload === undefined ? payload : this.parseObject(options.rawPayload) });
    return token;
  }

  /** A random opaque access token known to `/introspect`, with the same default claims as {@link mint}. */
  mintOpaque(claims: Record<string, unknown> = {}, options: { expiresIn?: string | number; audience?: string | string[] } = {}): string {
    const token = randomBytes(32).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    this.issued.set(digest(token), {
      claims: {
        iss: this.issuer,
        aud: options.audience ?? this.audience,
        iat: now,
        exp: now + seconds(options.expiresIn ?? "5m"),
        client_id: this.clientId,
        token_type: "Bearer",
        ...claims,
      },
    });
    return token;
  }

  /** Revokes a token: introspection answers `active: false` for it from now on. */
  revoke(token: string): void {
    this.revoked.add(digest(token));
  }

  /** Adds a new RS256 and ES256 key pair; they become the default for minting, the old keys stay published. */
  async rotateKeys(): Promise<{ RS256: string; ES256: string }> {
    return this.addKeyPair();
  }

  /** Removes a key from the JWKS; tokens signed with it can no longer be verified once clients refetch. */
  retireKey(kid: string): void {
    const index = this.keys.findIndex((k) => k.kid === kid);
    if (index === -1) throw new Error(`TestIdentityProvider: no key with kid ${JSON.stringify(kid)}`);
    this.keys.splice(index, 1);
  }

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

  private signingKey(alg: TestSigningAlgorithm): SigningKey {
    for (let i = this.keys.length - 1; i >= 0; i--) if (this.keys[i].alg === alg) return this.keys[i];
    throw new Error(`TestIdentityProvider: no ${alg} key left (all retired)`);
  }

  private async addKeyPair(): Promise<{ RS256: string; ES256: string }> {
    const n = ++this.generation;
    const suffix = randomBytes(3).toString("hex");
    const [rsa, ec] = await Promise.all([
      generate("rsa", { modulusLength: 2048 }),
      generate("ec", { namedCurve: "P-256" }),
    ]);
    const added: SigningKey[] = [
      { kid: `rsa-${n}-${suffix}`, alg: "RS256", privateKey: rsa.privateKey, publicKey: rsa.publicKey, jwk: await exportJWK(rsa.publicKey) },
      { kid: `ec-${n}-${suffix}`, alg: "ES256", privateKey: ec.privateKey, publicKey: ec.publicKey, jwk: await exportJWK(ec.publicKey) },
    ];
    this.keys.push(...added);
    return { RS256: added[0].kid, ES256: added[1].kid };
  }

  private parseObject(text: string): Record<string, unknown> {
    try {
      const value: unknown = JSON.parse(text);
      return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  private metadata(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      authorization_endpoint: this.authorizationEndpoint,
      token_endpoint: this.tokenEndpoint,
      jwks_uri: this.jwksUri,
      introspection_endpoint: this.introspectionEndpoint,
      revocation_endpoint: this.revocationEndpoint,
      grant_types_supported: ["client_credentials"],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      introspection_endpoint_auth_methods_supported: ["client_secret_basic"],
      revocation_endpoint_auth_methods_supported: ["client_secret_basic"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256", "ES256"],
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", this.issuer).pathname;
    const method = req.method ?? "GET";
    const route =
      path === "/.well-known/oauth-authorization-server" || path === "/.well-known/openid-configuration"
        ? "metadata"
        : path === "/jwks"
          ? "jwks"
          : path === "/introspect"
            ? "introspect"
            : path === "/revoke"
              ? "revoke"
              : path === "/token"
                ? "token"
                : path === "/authorize"
                  ? "authorize"
                  : undefined;
    if (route === "metadata") this.stats.metadataRequests++;
    if (route === "jwks") this.stats.jwksRequests++;
    if (route === "introspect") this.stats.introspectionRequests++;
    if (route === "revoke") this.stats.revocationRequests++;
    if (route === "token") this.stats.tokenRequests++;
    if (!route) return this.json(res, 404, { error: "not_found" });

    const body = method === "POST" ? await this.readForm(req) : new URLSearchParams();
    if (this.mode === "down") return this.json(res, 503, { error: "temporarily_unavailable" });
    if (this.mode === "garbage") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("<html><body>502 Bad Gateway</body></html>{");
      return;
    }
    if (this.mode === "slow") {
      const entry = {
        res,
        timer: setTimeout(() => {
          this.held.delete(entry);
          this.json(res, 503, { error: "temporarily_unavailable" });
        }, this.slowMs),
      };
      entry.timer.unref();
      this.held.add(entry);
      res.once("close", () => {
        clearTimeout(entry.timer);
        this.held.delete(entry);
      });
      return;
    }

    switch (route) {
      case "metadata":
        return this.json(res, 200, this.metadata());
      case "jwks":
        return this.json(res, 200, { keys: this.keys.map((k) => ({ ...k.jwk, kid: k.kid, alg: k.alg, use: "sig" })) });
      case "introspect":
        if (method !== "POST") return this.json(res, 405, { error: "invalid_request" });
        if (!this.basicClient(req)) return this.unauthorizedClient(res);
        return this.json(res, 200, this.introspect(body.get("token") ?? ""));
      case "revoke":
        if (method !== "POST") return this.json(res, 405, { error: "invalid_request" });
        if (!this.basicClient(req)) return this.unauthorizedClient(res);
        // RFC 7009 §2.2: 200 whether or not the token was known.
        this.revoke(body.get("token") ?? "");
        res.writeHead(200).end();
        return;
      case "token":
        return this.token(req, res, body);
      case "authorize":
        // Tokens come from client_credentials or mint(); there is no interactive (browser) flow to run.
        return this.json(res, 400, { error: "unsupported_response_type" });
    }
  }

  private introspect(token: string): Record<string, unknown> {
    const key = digest(token);
    const issued = this.issued.get(key);
    if (!issued || this.revoked.has(key)) return { active: false };
    const exp = issued.claims.exp;
    if (typeof exp === "number" && exp <= Date.now() / 1000) return { active: false };
    return { ...issued.claims, active: true, client_id: issued.claims.client_id ?? this.clientId, token_type: "Bearer" };
  }

  private token(req: IncomingMessage, res: ServerResponse, body: URLSearchParams): void {
    if ((req.method ?? "GET") !== "POST") return this.json(res, 405, { error: "invalid_request" });
    const fromBody = body.get("client_id") === this.clientId && sameSecret(body.get("client_secret") ?? "", this.clientSecret);
    if (!this.basicClient(req) && !fromBody) return this.unauthorizedClient(res);
    if (body.get("grant_type") !== "client_credentials") return this.json(res, 400, { error: "unsupported_grant_type" });
    const scope = body.get("scope") ?? undefined;
    const expiresIn = 300;
    const resource = body.get("resource") ?? undefined;
    const accessToken = this.mint(
      { sub: this.clientId, client_id: this.clientId, ...(scope ? { scope } : {}) },
      { expiresIn, ...(resource ? { audience: resource } : {}) },
    );
    this.json(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: expiresIn, ...(scope ? { scope } : {}) });
  }

  private basicClient(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? "";
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header);
    if (!match) return false;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon === -1) return false;
    try {
      const id = formDecode(decoded.slice(0, colon));
      const secret = formDecode(decoded.slice(colon + 1));
      return id === this.clientId && sameSecret(secret, this.clientSecret);
    } catch {
      return false;
    }
  }

  private unauthorizedClient(res: ServerResponse): void {
    res.setHeader("www-authenticate", 'Basic realm="test-idp"');
    this.json(res, 401, { error: "invalid_client" });
  }

  private async readForm(req: IncomingMessage): Promise<URLSearchParams> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new Error("body too large");
      chunks.push(chunk as Buffer);
    }
    return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed || res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }
}
