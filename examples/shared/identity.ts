import { OAuthStrategy } from "../../src";
import { TestIdentityProvider } from "../../src/testing";

export interface ExampleIdentity {
  issuer: string;
  audience: string;
  strategy: OAuthStrategy;
  /** Set when no issuer was configured and a local test provider was started instead. */
  embedded?: TestIdentityProvider;
}

/** This server's canonical URI (RFC 8707 audience): OAUTH_AUDIENCE, else where `launch` will listen. */
export function exampleAudience(): string {
  return process.env.OAUTH_AUDIENCE ?? `http://127.0.0.1:${process.env.PORT ?? 3000}/mcp`;
}

/**
 * The OAuth examples verify tokens from OAUTH_ISSUER (any RFC 8414 authorization server). With none configured
 * they start the embedded `TestIdentityProvider` on 127.0.0.1, so `node dist/examples/oauth/server.js` runs
 * with no external service, and print a ready-to-use token.
 */
export async function exampleIdentity(scopesSupported: string[] = []): Promise<ExampleIdentity> {
  const audience = exampleAudience();
  let issuer = process.env.OAUTH_ISSUER;
  let embedded: TestIdentityProvider | undefined;
  if (!issuer) {
    embedded = await TestIdentityProvider.start({ audience });
    issuer = embedded.issuer;
  }
  const strategy = new OAuthStrategy({
    issuer,
    audience,
    resourceMetadata: { resource: audience, scopesSupported: scopesSupported.length ? scopesSupported : undefined },
  });
  return { issuer, audience, strategy, embedded };
}

export function printDevToken(id: ExampleIdentity, claims: Record<string, unknown>): void {
  if (!id.embedded) return;
  const token = id.embedded.mint(claims, { expiresIn: "1h" });
  process.stderr.write(
    [
      ``,
      `No OAUTH_ISSUER was set, so a local identity provider runs at ${id.issuer} for this process.`,
      `A token for ${String(claims.sub)} (valid 1 hour):`,
      `  MCP_AUTH_TOKEN=${token}`,
      `Use it as "Authorization: Bearer <token>" over HTTP, or MCP_AUTH_TOKEN on stdio.`,
      ``,
    ].join("\n"),
  );
}
