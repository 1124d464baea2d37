import type { InjectionToken } from "tsyringe";
import type { AuthContext } from "./auth-context";
import type { Logger } from "./logger";
import type { ResourceSubscriptions } from "./resource-subscriptions";
import type { ToolContext } from "./tool-context";

/** The current request's {@link ToolContext}, registered in each request's child container. */
export const REQUEST_CONTEXT: InjectionToken<ToolContext> = Symbol.for("mcpcraft.REQUEST_CONTEXT");
/** The current request's {@link AuthContext} (`undefined` for anonymous calls). */
export const AUTH_CONTEXT: InjectionToken<AuthContext | undefined> = Symbol.for("mcpcraft.AUTH_CONTEXT");
/** The server's logger. */
export const LOGGER: InjectionToken<Logger> = Symbol.for("mcpcraft.LOGGER");
/** The server's `resources/subscribe` registry: inject it to send `notifications/resources/updated`. */
export const RESOURCE_SUBSCRIPTIONS: InjectionToken<ResourceSubscriptions> = Symbol.for("mcpcraft.RESOURCE_SUBSCRIPTIONS");
