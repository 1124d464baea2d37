import { signTestJwt } from "../testing/sign-test-jwt";

/** What `mcpcraft-sdk token` signs. */
export interface TokenRequest {
  /** HMAC secret (HS256), the server's `JWT_SECRET`. */
  secret: string;
  sub: string;
  aud?: string;
  iss?: string;
  /** Seconds or a timespan (`"15m"`, `"1h"`). Default `"15m"`, `JwtStrategy`'s default `maxTokenAge`. */
  expiresIn?: string;
  /** Comma-separated, into the `roles` claim. */
  roles?: string;
  /** Space-separated, into the `scope` claim. */
  scope?: string;
}

/**
 * An HS256 JWT for trying a `JwtStrategy` server by hand, signed by the same code as the test kit's `signTestJwt`.
 *
 * @example
 * ```ts
 * const token = signToken({ secret: process.env.JWT_SECRET!, sub: "svc:billing", roles: "billing", expiresIn: "5m" })
 * // Authorization: Bearer <token>, or MCP_AUTH_TOKEN=<token> for stdio
 * ```
 */
export function signToken(request: TokenRequest): string {
  if (!request.secret) throw new Error("--secret (or JWT_SECRET) is required");
  if (!request.sub) throw new Error("--sub is required");
  const claims: Record<string, unknown> = {};
  const roles = request.roles?.split(",").map((r) => r.trim()).filter(Boolean);
  if (roles?.length) claims.roles = roles;
  if (request.scope) claims.scope = request.scope;
  const expiresIn = request.expiresIn ?? "15m";
  return signTestJwt(claims, {
    secret: request.secret,
    algorithm: "HS256",
    subject: request.sub,
    expiresIn: /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn,
    ...(request.aud ? { audience: request.aud } : {}),
    ...(request.iss ? { issuer: request.iss } : {}),
  });
}
