import { inject, injectable, type InjectionToken } from "tsyringe";
import type { AuthContext, AuthRequest } from "../contracts/auth-context";
import type { AuthStrategy } from "../auth/auth-strategy";
import { AuthenticationError } from "../errors";

/** A principal for tests: a subject, and any other `AuthContext` field (roles, scopes, claims…). */
export type MockPrincipal = Partial<AuthContext> & { subject: string };

/** Options of {@link MockAuthStrategy}: one fixed principal, or a table from token to principal. */
export interface MockAuthOptions {
  /** Everyone is this principal. Default `{ subject: "test-user" }`. */
  as?: MockPrincipal;
  /** Or: a table from bearer token / API key to principal; anything else is refused. */
  tokens?: Record<string, MockPrincipal>;
}

/** Options for a `MockAuthStrategy` resolved from a container. */
export const MOCK_AUTH_OPTIONS: InjectionToken<MockAuthOptions> = Symbol.for("mcpcraft.MOCK_AUTH_OPTIONS");

export function toAuthContext(p: MockPrincipal, strategy = "mock"): AuthContext {
  return { roles: [], scopes: [], claims: {}, strategy, ...p };
}

/**
 * A strategy for tests: a fixed principal, or a token → principal table. Swap it in with one line:
 *
 * @example
 * ```ts
 * // The <AuthStrategy> type argument is for TypeScript: tsyringe types `useClass`/`useValue` by the token's class.
 * container.register<AuthStrategy>(OAuthStrategy, { useValue: MockAuthStrategy.as({ subject: "alice", roles: ["admin"] }) })
 * container.register<AuthStrategy>(OAuthStrategy, { useClass: MockAuthStrategy })   // everyone is "test-user"
 * ```
 */
@injectable()
export class MockAuthStrategy implements AuthStrategy {
  readonly name = "mock";
  private readonly options: MockAuthOptions;

  constructor(@inject(MOCK_AUTH_OPTIONS, { isOptional: true }) options?: MockAuthOptions) {
    this.options = options ?? {};
  }

  static as(principal: MockPrincipal): MockAuthStrategy {
    return new MockAuthStrategy({ as: principal });
  }

  hasCredentials(req: AuthRequest): boolean {
    return !this.options.tokens || req.headers.authorization !== undefined || req.headers["x-api-key"] !== undefined;
  }

  async authenticate(req: AuthRequest): Promise<AuthContext> {
    if (!this.options.tokens) return toAuthContext(this.options.as ?? { subject: "test-user" }, this.name);
    const presented = req.headers.authorization?.replace(/^Bearer\s+/i, "") ?? req.headers["x-api-key"];
    if (!presented) throw new AuthenticationError("missing_credentials");
    const principal = Object.prototype.hasOwnProperty.call(this.options.tokens, presented) ? this.options.tokens[presented] : undefined;
    if (!principal) throw new AuthenticationError("invalid_credentials");
    return toAuthContext(principal, this.name);
  }
}
