import type { TestSigningAlgorithm } from "./idp-key-ring";

/** How the provider answers: normally, 503, hanging, or 200 with a body that is not JSON. */
export type TestIdentityProviderMode = "ok" | "down" | "slow" | "garbage";

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
  /** Every request to `/token`, whatever its grant or outcome. */
  tokenRequests: number;
  revocationRequests: number;
  /** `/token` requests with the RFC 8693 token-exchange grant from an authenticated client. */
  exchangeRequests: number;
  /** `/token` requests with the client credentials grant from an authenticated client. */
  clientCredentialsRequests: number;
}

/** RFC 8414 metadata of the test provider. */
export function authorizationServerMetadata(idp: { issuer: string; authorizationEndpoint: string; tokenEndpoint: string; jwksUri: string; introspectionEndpoint: string; revocationEndpoint: string }): Record<string, unknown> {
  return {
    issuer: idp.issuer,
    authorization_endpoint: idp.authorizationEndpoint,
    token_endpoint: idp.tokenEndpoint,
    jwks_uri: idp.jwksUri,
    introspection_endpoint: idp.introspectionEndpoint,
    revocation_endpoint: idp.revocationEndpoint,
    grant_types_supported: ["client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange"],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "private_key_jwt"],
    token_endpoint_auth_signing_alg_values_supported: ["RS256", "PS256", "ES256", "ES384", "ES512"],
    introspection_endpoint_auth_methods_supported: ["client_secret_basic"],
    revocation_endpoint_auth_methods_supported: ["client_secret_basic"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256", "ES256"],
  };
}
