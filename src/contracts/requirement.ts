import type { Policy } from "./tool-context";

/**
 * Everything a tool, resource or prompt requires of its caller, merged from class and method decorators or
 * from `tool({...})` fields. The decorators record it; the policy engine alone decides with it.
 */
export interface Requirement {
  /** Each group is one `@RequireRole(...)`: any one role of it; all groups must hold. */
  roleGroups: string[][];
  /** `@RequireScope(...)`: all of them. */
  scopes: string[];
  /** Input-dependent predicates (`@Authorize`); run at call time only. */
  policies: Policy[];
  /** Callable without credentials where the server allows anonymous access. */
  public: boolean;
}

/** The functional API's authorization fields, shared by `tool()`, `resource()` and `prompt()`. */
export interface AuthorizationFields {
  /** Any one of these roles. */
  roles?: string[];
  /** All of these scopes. */
  scopes?: string[];
  /** An input-dependent predicate (or several), run at call time. */
  authorize?: Policy | Policy[];
  /** Callable without credentials where the server allows anonymous access. */
  public?: boolean;
}
