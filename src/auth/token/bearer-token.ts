import { AuthenticationError } from "../../errors";
import type { AuthRequest } from "../../contracts/auth-context";

/**
 * Longest bearer token accepted. Checked before any parsing: jsonwebtoken spends 16 ms on a 1.3 MB token and
 * 119 ms on a 10 MB one, so an uncapped length is a CPU amplification vector. Real access tokens stay well
 * under 4 KiB.
 */
export const MAX_TOKEN_LENGTH = 8 * 1024;

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Whether the request carries a non-empty `Authorization` header (of any scheme): the "credential present"
 * test of bearer strategies, so a `Basic` header is still refused by them rather than passed over.
 *
 * @example
 * ```ts
 * hasAuthorizationHeader({ headers: { authorization: "Basic eA==" }, transport: "http" }) // → true
 * ```
 */
export function hasAuthorizationHeader(req: AuthRequest): boolean {
  const header = req.headers.authorization;
  return typeof header === "string" && header.trim() !== "";
}

/**
 * The bearer token of `Authorization: Bearer <token>` (RFC 6750 §2.1). The scheme is matched
 * case-insensitively; any other scheme (`Basic`, `Token`…) is refused rather than guessed at.
 *
 * @throws AuthenticationError `missing_credentials` (no header), `invalid_credentials` (not the Bearer
 *   scheme), `malformed_token` (empty or not a b64token), `token_too_large` (over {@link MAX_TOKEN_LENGTH}).
 *
 * @example
 * ```ts
 * bearerToken({ headers: { authorization: "Bearer eyJ…" }, transport: "http" }) // → "eyJ…"
 * bearerToken({ headers: { authorization: "Basic dXNlcjpwYXNz" }, transport: "http" }) // throws invalid_credentials
 * ```
 */
export function bearerToken(req: AuthRequest): string {
  const header: unknown = req.headers.authorization;
  if (header === undefined || (typeof header === "string" && header.trim() === ""))
    throw new AuthenticationError("missing_credentials");
  if (typeof header !== "string") throw new AuthenticationError("malformed_token");
  // The cap comes first so that no regular expression or split ever runs over an attacker-sized string.
  if (header.length > MAX_TOKEN_LENGTH + "Bearer ".length + 16) throw new AuthenticationError("token_too_large");
  const trimmed = header.trim();
  const space = trimmed.search(/[ \t]/);
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") throw new AuthenticationError("invalid_credentials");
  const token = space === -1 ? "" : trimmed.slice(space + 1).trim();
  if (token === "") throw new AuthenticationError("malformed_token");
  if (token.length > MAX_TOKEN_LENGTH) throw new AuthenticationError("token_too_large");
  if (!B64TOKEN.test(token)) throw new AuthenticationError("malformed_token");
  return token;
}
