import {
  AuthenticationError,
  IdentityProviderUnavailableError,
  InvalidRequestError,
  InsufficientScopeError,
  type AuthFailureReason,
} from "../../errors";

/** Errors the framework raises itself; they pass through the mappers unchanged. */
export type VerifyFailure = AuthenticationError | IdentityProviderUnavailableError;

/** Reads a string property of an arbitrary thrown value without trusting it to be an object or to behave. */
function field(err: unknown, key: "name" | "message" | "code" | "claim" | "reason"): string {
  if (err === null || (typeof err !== "object" && typeof err !== "function")) return "";
  try {
    const value = (err as Record<string, unknown>)[key];
    return typeof value === "string" ? value : "";
  } catch {
    return "";
  }
}

const isOwnError = (err: unknown): err is VerifyFailure | InvalidRequestError | InsufficientScopeError =>
  err instanceof AuthenticationError ||
  err instanceof IdentityProviderUnavailableError ||
  err instanceof InvalidRequestError ||
  err instanceof InsufficientScopeError;

const fail = (reason: AuthFailureReason): AuthenticationError => new AuthenticationError(reason);

/**
 * Maps anything `jsonwebtoken.verify` throws to an {@link AuthenticationError} with a fixed reason.
 * jsonwebtoken signals most failures through one class and a message, and lets raw `SyntaxError`s escape
 * from `jws.decode`; so this reads names and message prefixes, and whatever it does not recognise becomes
 * `rejected`, never a 500 and never the library's message (which can echo the expected issuer or audience).
 *
 * @example
 * ```ts
 * try { jwt.verify(token, key, { algorithms: ["HS256"] }) } catch (err) { throw fromJsonwebtokenError(err) }
 * ```
 */
export function fromJsonwebtokenError(err: unknown): VerifyFailure {
  if (err instanceof AuthenticationError || err instanceof IdentityProviderUnavailableError) return err;
  const name = field(err, "name");
  const message = field(err, "message");
  if (name === "TokenExpiredError") return fail(message === "maxAge exceeded" ? "lifetime_too_long" : "expired");
  if (name === "NotBeforeError") return fail("not_yet_valid");
  if (name === "SyntaxError") return fail("malformed_token");
  if (name !== "JsonWebTokenError") return fail("rejected");
  if (message === "invalid signature") return fail("bad_signature");
  if (
    message === "invalid algorithm" ||
    message === "jwt signature is required" ||
    message.startsWith('please specify "none"') ||
    message.startsWith("secretOrPublicKey must be")
  )
    return fail("unsupported_algorithm");
  if (message.startsWith("jwt audience invalid")) return fail("wrong_audience");
  if (message.startsWith("jwt issuer invalid")) return fail("wrong_issuer");
  if (
    message === "jwt malformed" ||
    message === "invalid token" ||
    message === "jwt must be a string" ||
    message === "jwt must be provided" ||
    message === "invalid exp value" ||
    message === "invalid nbf value"
  )
    return fail("malformed_token");
  return fail("rejected");
}

/**
 * Maps anything `jose` throws while verifying a JWT to an {@link AuthenticationError} with a fixed reason, or
 * to {@link IdentityProviderUnavailableError} for JWKS transport failures (timeout, invalid key set). jose's
 * errors carry a stable `code`; raw `TypeError`s (key/alg mismatches) and anything unknown become `rejected`.
 *
 * Note: a JWKS endpoint answering non-200 or non-JSON raises jose's *generic* error, indistinguishable from
 * other generic errors here; classify key-resolution failures where the key is fetched (see `OAuthStrategy`).
 *
 * @example
 * ```ts
 * try { await jwtVerify(token, jwks, { algorithms: ["RS256"] }) } catch (err) { throw fromJoseError(err) }
 * ```
 */
export function fromJoseError(err: unknown): VerifyFailure {
  if (err instanceof AuthenticationError || err instanceof IdentityProviderUnavailableError) return err;
  const code = field(err, "code");
  const claim = field(err, "claim");
  const reason = field(err, "reason");
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return fail(claim === "iat" ? "lifetime_too_long" : "expired");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (reason === "invalid") return fail("malformed_token");
      if (claim === "exp") return fail(reason === "missing" ? "missing_exp" : "expired");
      if (claim === "nbf") return fail("not_yet_valid");
      if (claim === "iat") return fail("issued_in_future");
      if (claim === "iss") return fail("wrong_issuer");
      if (claim === "aud") return fail("wrong_audience");
      return fail("rejected");
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return fail("bad_signature");
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
      return fail("unsupported_algorithm");
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return fail("malformed_token");
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return fail("unknown_key");
    case "ERR_JWKS_TIMEOUT":
    case "ERR_JWKS_INVALID":
      return new IdentityProviderUnavailableError();
    default:
      return field(err, "name") === "SyntaxError" ? fail("malformed_token") : fail("rejected");
  }
}

/**
 * Passes the framework's own errors through and turns anything else into `rejected`: the last line of
 * defence in a strategy, so an unexpected exception can never become a 500 or an accidental success.
 *
 * @example
 * ```ts
 * try { return await verify(token) } catch (err) { throw asAuthFailure(err) }
 * ```
 */
export function asAuthFailure(err: unknown): VerifyFailure | InvalidRequestError | InsufficientScopeError {
  return isOwnError(err) ? err : fail("rejected");
}
