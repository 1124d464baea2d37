import type { webcrypto } from "node:crypto";
import type { ExportedJWKSCache, JSONWebKeySet, JWTPayload, JWTVerifyGetKey, JWTVerifyOptions } from "jose";
import { AuthenticationError, IdentityProviderUnavailableError } from "../../errors";
import { discoverAuthorizationServer } from "./authorization-server-metadata";
import { idpUrl } from "./idp-fetch";
import { inspectJws } from "./jwt-shape";
import { fromJoseError } from "./verify-errors";

/** jose is loaded when a JWT is first verified against a JWKS, not when the package is imported. */
let jose: typeof import("jose") | undefined;
const joseLib = (): typeof import("jose") => (jose ??= require("jose"));

export interface JwksVerifierOptions {
  /** Required `iss`; also where the JWKS is discovered from when `jwksUri` is absent. */
  issuer?: string;
  jwksUri?: URL;
  algorithms: string[];
  timeoutMs: number;
  /** Least time between two refetches caused by unknown `kid`s, in milliseconds. */
  cooldownMs: number;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. */
  clockTolerance: number;
  now: () => number;
}

/**
 * jose writes `{ uat, jwks }` into its `jwksCache` object in the same synchronous step in which it starts using
 * a freshly fetched key set. Counting those writes tells exactly when the key set changed, without keeping a
 * copy of it (jose's own `jwks()` clones the set on every call).
 */
class KeySetVersion implements ExportedJWKSCache {
  version = 0;
  jwks: JSONWebKeySet = { keys: [] };
  // 0 is never "fresh" for jose, so it does not seed itself from this object at creation.
  private updatedAt = 0;

  get uat(): number {
    return this.updatedAt;
  }

  set uat(value: number) {
    this.updatedAt = value;
    this.version++;
  }
}

/**
 * Verifies a JWT's signature, `iss`, `exp` and `nbf` against the issuer's JWKS with jose: created once,
 * discovered from the issuer's metadata on first use when no `jwksUri` is given, refetched for an unknown
 * `kid` at most once per cooldown. An unreachable, slow or garbage JWKS is an
 * {@link IdentityProviderUnavailableError}; everything wrong with the token is an {@link AuthenticationError}.
 *
 * @example
 * ```ts
 * const verifier = new JwksVerifier({ issuer, algorithms: ["RS256"], timeoutMs: 3000, cooldownMs: 30_000, clockTolerance: 5, now: Date.now })
 * const before = verifier.keySetVersion
 * const payload = await verifier.verify(token)
 * const sameKeys = verifier.keySetVersion === before   // no new key set was applied meanwhile
 * ```
 */
export class JwksVerifier {
  private readonly keySetVersions = new KeySetVersion();
  private jwksUri?: URL;
  private jwks?: JWTVerifyGetKey;
  private discovery?: Promise<JWTVerifyGetKey>;

  constructor(private readonly options: JwksVerifierOptions) {
    this.jwksUri = options.jwksUri;
  }

  /** Changes whenever a newly fetched key set replaces the one in use (a rotation, or a periodic refresh). */
  get keySetVersion(): number {
    return this.keySetVersions.version;
  }

  /** The verified payload. The caller still checks the audience, `sub` and a future `iat`. */
  async verify(token: string): Promise<Record<string, unknown>> {
    const { algorithms, issuer, clockTolerance, now } = this.options;
    inspectJws(token, { algorithms });
    const getKey = await this.keySet();
    const options: JWTVerifyOptions = { algorithms, issuer, requiredClaims: ["exp"], clockTolerance, currentDate: new Date(now()) };
    let payload: JWTPayload;
    try {
      payload = (await joseLib().jwtVerify(token, getKey, options)).payload;
    } catch (err) {
      payload = await this.tryEachMatchingKey(err, token, options);
    }
    return payload as Record<string, unknown>;
  }

  /** A kid-less token matching several JWKS keys (mid-rotation): jose hands back the candidates to try in turn. */
  private async tryEachMatchingKey(err: unknown, token: string, options: JWTVerifyOptions): Promise<JWTPayload> {
    const candidates = err as { code?: unknown; [Symbol.asyncIterator]?: () => AsyncIterator<webcrypto.CryptoKey> };
    if (candidates?.code !== "ERR_JWKS_MULTIPLE_MATCHING_KEYS" || typeof candidates[Symbol.asyncIterator] !== "function")
      throw fromJoseError(err);
    let last: unknown = err;
    for await (const key of candidates as AsyncIterable<webcrypto.CryptoKey>) {
      try {
        return (await joseLib().jwtVerify(token, key, options)).payload;
      } catch (next) {
        last = next;
        if ((next as { code?: unknown })?.code !== "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") break;
      }
    }
    throw fromJoseError(last);
  }

  /** The JWKS, created once; discovered from the issuer's metadata on first use when no jwksUri was given. */
  private async keySet(): Promise<JWTVerifyGetKey> {
    if (this.jwks) return this.jwks;
    if (this.jwksUri) return (this.jwks = this.remoteKeySet(this.jwksUri));
    // One discovery at a time; a failed one is forgotten so the next request retries (failures are never cached).
    this.discovery ??= discoverAuthorizationServer(this.options.issuer!, this.options.timeoutMs).then(
      (metadata) => {
        if (typeof metadata.jwks_uri !== "string") throw new IdentityProviderUnavailableError();
        this.jwksUri = idpUrl(metadata.jwks_uri, "jwks_uri");
        return (this.jwks = this.remoteKeySet(this.jwksUri));
      },
      (err: unknown) => {
        this.discovery = undefined;
        throw err;
      },
    );
    return this.discovery;
  }

  private remoteKeySet(url: URL): JWTVerifyGetKey {
    const lib = joseLib();
    const remote = lib.createRemoteJWKSet(url, {
      cooldownDuration: this.options.cooldownMs,
      timeoutDuration: this.options.timeoutMs,
      [lib.jwksCache]: this.keySetVersions,
    });
    // jose reports a JWKS that is down (fetch TypeError), non-200 or non-JSON (generic JOSEError) in ways that
    // also occur for bad tokens; here, at key resolution, only "no such key" is about the token.
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (err) {
        const code = (err as { code?: unknown })?.code;
        if (code === "ERR_JWKS_NO_MATCHING_KEY") throw new AuthenticationError("unknown_key");
        if (code === "ERR_JWKS_MULTIPLE_MATCHING_KEYS") throw err;
        if (code === "ERR_JOSE_NOT_SUPPORTED") throw new AuthenticationError("unsupported_algorithm");
        throw new IdentityProviderUnavailableError();
      }
    };
  }
}
