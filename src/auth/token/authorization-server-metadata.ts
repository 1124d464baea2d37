import { IdentityProviderUnavailableError } from "../../errors";
import { fetchIdpJson, idpUrl } from "./idp-fetch";

/** The RFC 8414 fields mcpcraft-sdk uses. */
export interface AuthorizationServerMetadata {
  issuer: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
  [other: string]: unknown;
}

/**
 * Where an issuer's metadata may live, in the order the MCP 2025-11-25 authorization spec tries them:
 * RFC 8414 (path inserted after `/.well-known/…`), then OpenID Connect Discovery (inserted, then appended).
 *
 * @example
 * ```ts
 * metadataUrls("https://auth.example.com/tenant1")
 * // → [".../.well-known/oauth-authorization-server/tenant1", ".../.well-known/openid-configuration/tenant1",
 * //    ".../tenant1/.well-known/openid-configuration"]
 * ```
 */
export function metadataUrls(issuer: string): URL[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "")
    return [
      new URL("/.well-known/oauth-authorization-server", url.origin),
      new URL("/.well-known/openid-configuration", url.origin),
    ];
  return [
    new URL(`/.well-known/oauth-authorization-server${path}`, url.origin),
    new URL(`/.well-known/openid-configuration${path}`, url.origin),
    new URL(`${path}/.well-known/openid-configuration`, url.origin),
  ];
}

/**
 * Fetches an issuer's metadata and checks that it describes that issuer (RFC 8414 §3.3: the `issuer` member
 * must equal the issuer the metadata was fetched for, or an attacker's metadata could be substituted).
 * Any failure is an {@link IdentityProviderUnavailableError}: no metadata means no way to verify tokens.
 *
 * @example
 * ```ts
 * const { jwks_uri } = await discoverAuthorizationServer("https://auth.example.com", 3000)
 * ```
 */
export async function discoverAuthorizationServer(issuer: string, timeoutMs: number): Promise<AuthorizationServerMetadata> {
  for (const url of metadataUrls(issuer)) {
    const { status, body } = await fetchIdpJson(url, { method: "GET", headers: { accept: "application/json" } }, timeoutMs);
    if (status !== 200) continue;
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new IdentityProviderUnavailableError();
    const metadata = body as AuthorizationServerMetadata;
    if (metadata.issuer !== issuer) throw new IdentityProviderUnavailableError();
    if (metadata.jwks_uri !== undefined) {
      try {
        idpUrl(metadata.jwks_uri, "jwks_uri");
      } catch {
        throw new IdentityProviderUnavailableError();
      }
    }
    return metadata;
  }
  throw new IdentityProviderUnavailableError();
}
