import type { InjectionToken } from "tsyringe";
import type { AuthContext } from "./auth/auth-context";
import type { ToolContext } from "./core/tool-context";
import type { Logger } from "./logger";
import type { ResourceSubscriptions } from "./core/resource-subscriptions";

/** The current request's {@link ToolContext}, registered in each request's child container. */
export const REQUEST_CONTEXT: InjectionToken<ToolContext> = Symbol.for("mcpcraft.REQUEST_CONTEXT");
/** The current request's {@link AuthContext} (`undefined` for anonymous calls). */
export const AUTH_CONTEXT: InjectionToken<AuthContext | undefined> = Symbol.for("mcpcraft.AUTH_CONTEXT");
/** The server's logger. */
export const LOGGER: InjectionToken<Logger> = Symbol.for("mcpcraft.LOGGER");
/** Options for `ApiKeyStrategy` when it is resolved from a container. */
export const API_KEY_OPTIONS: InjectionToken<unknown> = Symbol.for("mcpcraft.API_KEY_OPTIONS");
/** Options for `JwtStrategy` when it is resolved from a container. */
export const JWT_OPTIONS: InjectionToken<unknown> = Symbol.for("mcpcraft.JWT_OPTIONS");
/** Options for `OAuthStrategy` when it is resolved from a container. */
export const OAUTH_OPTIONS: InjectionToken<unknown> = Symbol.for("mcpcraft.OAUTH_OPTIONS");
/** The server's `resources/subscribe` registry: inject it to send `notifications/resources/updated`. */
export const RESOURCE_SUBSCRIPTIONS: InjectionToken<ResourceSubscriptions> = Symbol.for("mcpcraft.RESOURCE_SUBSCRIPTIONS");
