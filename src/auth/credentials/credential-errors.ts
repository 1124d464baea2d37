import { IdentityProviderUnavailableError, JsonRpcCode, ProtocolError } from "../../errors";

/** Why an outgoing token was refused: no incoming bearer token to exchange, the grant refused, this server's client refused. */
export type CredentialRefusalReason = "no_subject_token" | "refused" | "client_authentication_failed";

const REFUSALS: Record<CredentialRefusalReason, string> = {
  no_subject_token: "Token exchange needs the caller's bearer token, and this call has none",
  refused: "The authorization server refused to issue a token for this audience",
  client_authentication_failed: "The authorization server refused this server's client credentials",
};

/**
 * An outgoing token (token exchange, client credentials) was refused: JSON-RPC -32040 with
 * `data: { reason, error? }`, and never a fallback to passing the caller's own token on. `oauthError` is the
 * authorization server's `error` code when it sent a well-formed one (`invalid_target`, `invalid_scope`…); its
 * `error_description` is never forwarded. A JSON-RPC refusal inside a call, so it rides on `ProtocolError`'s row
 * of the error table.
 *
 * @example
 * ```ts
 * try { await ctx.credentials.exchange({ audience }) }
 * catch (err) { if (err instanceof CredentialRefusedError && err.reason === "refused") return "Not allowed there" ; throw err }
 * ```
 */
export class CredentialRefusedError extends ProtocolError {
  override readonly code = "credential_refused";

  constructor(
    readonly reason: CredentialRefusalReason,
    readonly oauthError?: string,
  ) {
    super(JsonRpcCode.CredentialRefused, REFUSALS[reason], oauthError ? { reason, error: oauthError } : { reason });
  }
}

/**
 * An identity provider outage met inside a call (token endpoint, an integration provider): the request is
 * answered -32030 "Identity provider unavailable" — HTTP 503 with `Retry-After` where the status is still open —
 * rather than a tool result the model would try to work around.
 *
 * @example
 * ```ts
 * // raised for you by ctx.credentials / ctx.integration() when the provider is down; a tool rarely throws it itself
 * catch (err) { if (err instanceof ProviderUnavailableInCallError) ctx.log.warn({ event: "upstream.down" }) ; throw err }
 * ```
 */
export class ProviderUnavailableInCallError extends ProtocolError {
  override readonly code = "identity_provider_unavailable";

  constructor() {
    super(JsonRpcCode.IdentityProviderUnavailable, "Identity provider unavailable");
  }
}

/** Rethrows what `ctx.credentials` / `ctx.integration()` met, with an outage turned into its in-call form. */
export function asCallError(err: unknown): never {
  throw err instanceof IdentityProviderUnavailableError ? new ProviderUnavailableInCallError() : err;
}
