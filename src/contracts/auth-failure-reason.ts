/** Closed set of reasons an authentication can fail. `error_description` is chosen from this set, never from input. */
export type AuthFailureReason =
  | "missing_credentials"
  | "invalid_credentials"
  | "malformed_token"
  | "token_too_large"
  | "unsupported_algorithm"
  | "bad_signature"
  | "expired"
  | "not_yet_valid"
  | "issued_in_future"
  | "missing_exp"
  | "lifetime_too_long"
  | "wrong_issuer"
  | "wrong_audience"
  | "unknown_key"
  | "inactive_token"
  | "key_expired"
  | "rejected";

/** The fixed `error_description` of each reason: the only text about a failed authentication a client sees. */
export const AUTH_FAILURE_DESCRIPTIONS: Record<AuthFailureReason, string> = {
  missing_credentials: "Authentication required",
  invalid_credentials: "Invalid credentials",
  malformed_token: "Malformed token",
  token_too_large: "Token too large",
  unsupported_algorithm: "Token algorithm not allowed",
  bad_signature: "Invalid token signature",
  expired: "Token expired",
  not_yet_valid: "Token not yet valid",
  issued_in_future: "Token issued in the future",
  missing_exp: "Token has no expiration time",
  lifetime_too_long: "Token lifetime exceeds the allowed maximum",
  wrong_issuer: "Token issuer not accepted",
  wrong_audience: "Token was not issued for this resource",
  unknown_key: "Token signing key not recognised",
  inactive_token: "Token is not active",
  key_expired: "Credential has expired",
  rejected: "Authentication failed",
};
