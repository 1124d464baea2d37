import { AuthenticationError, McpcraftError } from "../../errors";
import { stringList } from "../string-list";
import { type AuthContext, type AuthRequest } from "../../contracts/auth-context";
import type { AuthStrategy, ProtectedResourceMetadata } from "../auth-strategy";

/** The functional API's hook: `authenticate(headers, request)`; throw to reject, return what tools should see. */
export type AuthenticateHook = (
  headers: Record<string, string | undefined>,
  request: AuthRequest,
) => unknown | Promise<unknown>;

/**
 * Options of {@link AuthenticateHookStrategy}; `createServer({ authenticate, requireSubject: true })` sets them.
 *
 * @example
 * ```ts
 * const strict = new AuthenticateHookStrategy(async (headers) => lookUp(headers["x-api-key"]), undefined, { requireSubject: true })
 * ```
 */
export interface AuthenticateHookOptions {
  /** A hook that returns no subject (`subject`, `user.id`, `user.sub`, `service`) rejects with 401. Default false. */
  requireSubject?: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/**
 * Adapts the guide's `authenticate` hook to an {@link AuthStrategy}. A throw → 401 with the error's message; the
 * returned object is spread into the tool context and summarised as `context.auth` (DESIGN §1a).
 */
export class AuthenticateHookStrategy implements AuthStrategy {
  readonly name = "custom";

  constructor(
    private readonly hook: AuthenticateHook,
    private readonly metadata?: ProtectedResourceMetadata,
    private readonly options: AuthenticateHookOptions = {},
  ) {}

  /** RFC 9728 metadata, when the server was created with `resourceMetadata` (e.g. a hook that checks OAuth tokens). */
  resourceMetadata(): ProtectedResourceMetadata | undefined {
    return this.metadata;
  }

  stdioEnv(): Record<string, string> {
    return { API_KEY: "x-api-key", MCP_AUTH_TOKEN: "authorization" };
  }

  async authenticate(req: AuthRequest): Promise<AuthContext> {
    let result: unknown;
    try {
      result = await this.hook(req.headers, req);
    } catch (err) {
      // Framework errors keep their meaning (an identity provider outage stays 503, a malformed request 400).
      if (err instanceof McpcraftError) throw err;
      const message = err instanceof Error && err.message ? err.message : AuthenticationError.describe("rejected");
      throw new AuthenticationError("rejected", message);
    }
    const r = (result && typeof result === "object" ? result : {}) as Record<string, any>;
    const user = r.user && typeof r.user === "object" ? (r.user as Record<string, unknown>) : undefined;
    const named = str(r.subject) ?? str(user?.id) ?? str(user?.sub) ?? str(r.service);
    if (!named && this.options.requireSubject) throw new AuthenticationError("rejected");
    const subject = named ?? "authenticated";
    return {
      subject,
      roles: stringList(r.roles ?? user?.roles),
      scopes: stringList(r.scopes ?? user?.scopes),
      claims: r,
      strategy: this.name,
      ...(typeof r.expiresAt === "number" ? { expiresAt: r.expiresAt } : {}),
      ...(str(r.token) ? { token: r.token } : {}),
      context: r,
    };
  }
}
