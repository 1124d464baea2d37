import type { KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";

/**
 * Algorithms `signTestJwt` signs with. Spelled out rather than jsonwebtoken's `Algorithm` type, whose declarations
 * (`@types/jsonwebtoken`) a consumer of this package does not have.
 */
export type TestJwtAlgorithm = "HS256" | "HS384" | "HS512" | "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512" | "none";

/** Options of {@link signTestJwt}. */
export interface SignTestJwtOptions {
  /** HMAC secret, or a private key (PEM or KeyObject) for RS/PS/ES algorithms. */
  secret: string | Buffer | KeyObject;
  /** Default `HS256`. */
  algorithm?: TestJwtAlgorithm;
  /** Seconds or a timespan (`"5m"`). Default `"5m"`. `null` leaves `exp` out (for testing its rejection). */
  expiresIn?: string | number | null;
  issuer?: string;
  audience?: string | string[];
  subject?: string;
  /** `kid` header. */
  keyid?: string;
  /** Extra header fields (`typ`, `crit`…). */
  header?: Record<string, unknown>;
}

/**
 * Signs a JWT for tests with jsonwebtoken (the library the guide uses). `iat` and `exp` are added unless the
 * claims carry their own. Pass the claims as a JSON **string** to sign exactly that text with no claims added;
 * this is how a test puts an own `__proto__` key in a payload, as an attacker would on the wire.
 *
 * @example
 * ```ts
 * const token = signTestJwt({ sub: "svc:billing", roles: ["billing"] }, { secret: process.env.JWT_SECRET! })
 * const hostile = signTestJwt('{"sub":"x","exp":9999999999,"__proto__":{"roles":["admin"]}}', { secret })
 * ```
 */
export function signTestJwt(claims: Record<string, unknown> | string, options: SignTestJwtOptions): string {
  const algorithm = options.algorithm ?? "HS256";
  const header = { alg: algorithm, typ: "JWT", ...(options.keyid ? { kid: options.keyid } : {}), ...options.header } as jwt.JwtHeader;
  if (typeof claims === "string") return jwt.sign(claims, options.secret, { algorithm, header });
  const own = (key: string) => Object.prototype.hasOwnProperty.call(claims, key);
  const expiresIn = own("exp") || options.expiresIn === null ? undefined : (options.expiresIn ?? "5m");
  return jwt.sign({ ...claims }, options.secret, {
    algorithm,
    header,
    ...(expiresIn !== undefined ? { expiresIn: expiresIn as jwt.SignOptions["expiresIn"] } : {}),
    ...(options.issuer !== undefined && !own("iss") ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined && !own("aud") ? { audience: options.audience } : {}),
    ...(options.subject !== undefined && !own("sub") ? { subject: options.subject } : {}),
  });
}
