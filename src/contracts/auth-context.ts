/** Who is calling, as every strategy reports it. */
export interface AuthContext {
  /** Stable principal id: "alice", "apikey:ci", "svc:billing". */
  subject: string;
  roles: string[];
  scopes: string[];
  claims: Record<string, unknown>;
  /** "api-key" | "jwt" | "oauth" | a custom strategy name. */
  strategy: string;
  /** Epoch seconds. */
  expiresAt?: number;
  /**
   * The raw incoming credential, issued for *this* server. Never logged, and never to be sent upstream (MCP
   * forbids token passthrough): get a token for a downstream API from `ctx.credentials.exchange()`.
   */
  token?: string;
  /** Present for API keys: the key id, safe to log. */
  keyId?: string;
  /**
   * Extra fields spread into the tool context next to `auth` (`{ user }` for OAuth and a functional
   * `authenticate`, `{ service }` for service JWTs), so the guide's `context.user` / `context.service` work.
   */
  context?: Record<string, unknown>;
}

/** The transport a request came in on: Streamable HTTP, stdio, or the test kit's in-memory pair. */
export type TransportKind = "http" | "stdio" | "memory";

/** What a strategy sees of a request. Header names are lower-cased. */
export interface AuthRequest {
  headers: Record<string, string | undefined>;
  transport: TransportKind;
  ip?: string;
}
