import { randomBytes, type KeyObject, type JsonWebKey } from "node:crypto";
import type { ServiceTokenRequest } from "../../contracts/call-credentials";
import { ConfigurationError } from "../../errors";
import { durationSeconds } from "../token/duration";
import { buildSigningKey, type SigningKey } from "../token/jwt-key-ring";

/** jose is loaded at the first signature: a server that never signs does not pay its load time at start-up. */
const jose = (): typeof import("jose") => require("jose");

/** Options of {@link ServiceTokenSigner}: the key (as `JwtStrategy` takes it, signing side) and fixed claims. */
export interface ServiceTokenSignerOptions {
  /** The `iss` claim of every token. */
  issuer: string;
  /** The default `sub` claim (the service's own name). Default: `issuer`. */
  subject?: string;
  /** HMAC secret (HS256/384/512; at least as many bytes as the hash). */
  secret?: string | Buffer | KeyObject;
  /** Private key for RS/PS/ES algorithms (PEM, JWK or KeyObject; RSA ≥ 2048 bits). */
  privateKey?: string | Buffer | KeyObject | JsonWebKey;
  /** Default: HS256 for a secret, from the key type for a private key. */
  algorithm?: string;
  /** The `kid` header, so a verifier with several keys (`JwtStrategy({ keys })`) picks the right one. */
  kid?: string;
  /** Default lifetime. Default `"5m"`. */
  expiresIn?: string | number;
  /** Longest lifetime a request may ask for. Default `"15m"`, `JwtStrategy`'s default `maxTokenAge`. */
  maxLifetime?: string | number;
}

const RESERVED = new Set(["iss", "sub", "aud", "iat", "exp", "nbf", "jti"]);

/**
 * Signs short-lived service JWTs for calls this server makes as itself (the service-to-service pattern,
 * outgoing). The key is checked at construction with the same rules `JwtStrategy` applies to its own keys, so a
 * token it signs is one a `JwtStrategy` configured with the matching key accepts: `exp`, `iat`, a lifetime within
 * `maxLifetime`, a random `jti`.
 *
 * @example
 * ```ts
 * const signer = new ServiceTokenSigner({ issuer: "svc:reports", secret: process.env.JWT_SECRET! })
 * const jwt = await signer.sign({ audience: "billing", scopes: ["invoices:read"] })
 * await fetch(url, { headers: { authorization: `Bearer ${jwt}` } })
 * ```
 */
export class ServiceTokenSigner {
  private readonly key: SigningKey;
  private readonly expiresIn: number;
  private readonly maxLifetime: number;

  constructor(private readonly options: ServiceTokenSignerOptions) {
    const where = "serviceToken";
    if (!options || typeof options.issuer !== "string" || options.issuer === "") throw new ConfigurationError(`${where}: issuer is required`);
    this.key = buildSigningKey({ secret: options.secret, privateKey: options.privateKey, algorithm: options.algorithm, kid: options.kid }, where);
    this.maxLifetime = durationSeconds(options.maxLifetime ?? "15m", `${where}.maxLifetime`);
    this.expiresIn = this.lifetime(options.expiresIn ?? "5m", `${where}.expiresIn`);
  }

  /** A signed compact JWT with `typ: "JWT"`. */
  async sign(request: ServiceTokenRequest): Promise<string> {
    const audience = request?.audience;
    if (!(typeof audience === "string" ? audience !== "" : Array.isArray(audience) && audience.length > 0 && audience.every((a) => typeof a === "string" && a !== "")))
      throw new ConfigurationError("signServiceToken: audience is required");
    const lifetime = request.expiresIn === undefined ? this.expiresIn : this.lifetime(request.expiresIn, "signServiceToken: expiresIn");
    const extra = Object.fromEntries(Object.entries(request.claims ?? {}).filter(([k]) => !RESERVED.has(k)));
    const now = Math.floor(Date.now() / 1000);
    const { alg, key, kid } = this.key;
    return new (jose().SignJWT)({ ...extra, ...(request.scopes?.length ? { scope: request.scopes.join(" ") } : {}) })
      .setProtectedHeader({ alg, typ: "JWT", ...(kid ? { kid } : {}) })
      .setIssuer(this.options.issuer)
      .setSubject(request.subject ?? this.options.subject ?? this.options.issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .setJti(randomBytes(12).toString("base64url"))
      .sign(key);
  }

  private lifetime(value: string | number, option: string): number {
    const seconds = durationSeconds(value, option);
    if (seconds < 1 || seconds > this.maxLifetime) throw new ConfigurationError(`${option} must be between 1 s and maxLifetime (${this.maxLifetime} s)`);
    return seconds;
  }
}
