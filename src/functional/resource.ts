import type { AuthorizationFields } from "../contracts/requirement";
import type { Completer } from "../contracts/completer";
import type { ToolContext } from "../contracts/tool-context";

export const RESOURCE_SPEC = Symbol.for("mcpcraft.resource");

/** What `resource({ … })` takes: a fixed URI or an RFC 6570 template, its `read` handler and who may read it. */
export interface ResourceSpec extends AuthorizationFields {
  /** A fixed URI or an RFC 6570 template (`users://{id}/profile`). */
  uri: string;
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
  /** Completers for the template's variables (`completion/complete`): `{ id: (typed, ctx, args) => [...] }`. */
  complete?: Record<string, Completer>;
  read: (uri: string, params: Record<string, string>, context: ToolContext) => unknown | Promise<unknown>;
}

/**
 * Declares a resource for the functional API (`server.add(resource({...}))`).
 *
 * @example
 * ```ts
 * server.add(resource({ uri: "users://{id}/profile", roles: ["admin"], read: (uri, { id }) => getUser(id) }))
 * ```
 */
export function resource(spec: ResourceSpec): ResourceSpec & { readonly [RESOURCE_SPEC]: true } {
  return Object.freeze({ ...spec, [RESOURCE_SPEC]: true as const });
}
