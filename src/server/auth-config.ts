import type { DependencyContainer, InjectionToken } from "tsyringe";
import type { AuthStrategy } from "../auth/auth-strategy";
import { anyOf } from "../auth/strategies/composite.strategy";
import { ConfigurationError } from "../errors";

/** What `@Server({ auth })` and `createServer({ auth })` accept. */
export type AuthSpec =
  | InjectionToken<AuthStrategy>
  | AuthStrategy
  | AuthSpec[]
  | { strategy: AuthSpec; anonymous?: boolean };

const isStrategy = (v: unknown): v is AuthStrategy =>
  typeof v === "object" && v !== null && typeof (v as AuthStrategy).authenticate === "function" && typeof (v as AuthStrategy).name === "string";

function resolveOne(spec: unknown, container: DependencyContainer): AuthStrategy {
  if (isStrategy(spec)) return spec;
  if (typeof spec === "function" || typeof spec === "symbol" || typeof spec === "string") {
    const label = typeof spec === "function" ? spec.name : String(spec);
    if (typeof spec !== "function" && !container.isRegistered(spec as InjectionToken<AuthStrategy>, true))
      throw new ConfigurationError(`auth strategy token ${label} is not registered in the container; register it before createServer: container.register(${label}, { useClass: MyStrategy })`);
    let resolved: unknown;
    try {
      resolved = container.resolve(spec as InjectionToken<AuthStrategy>);
    } catch (err) {
      if (err instanceof ConfigurationError) throw err;
      throw new ConfigurationError(
        `auth strategy ${label} could not be resolved (${(err as Error).message}); decorate it with @injectable() so the ` +
          `container can build it, or register an instance: container.register(${label}, { useValue: new ${label}(…) })`,
      );
    }
    if (!isStrategy(resolved)) throw new ConfigurationError(`auth strategy ${label} does not implement AuthStrategy (name + authenticate)`);
    return resolved;
  }
  throw new ConfigurationError(`auth must be a strategy class, DI token, instance or array of those (got ${typeof spec})`);
}

/** Resolves the auth configuration once, at `createServer`: an unknown token fails here, not at the first request. */
export function resolveAuth(spec: unknown, container: DependencyContainer): { strategy?: AuthStrategy; anonymous: boolean } {
  if (spec === undefined || spec === null) return { anonymous: false };
  if (typeof spec === "object" && !Array.isArray(spec) && !isStrategy(spec) && "strategy" in spec) {
    const inner = resolveAuth((spec as { strategy: unknown }).strategy, container);
    return { strategy: inner.strategy, anonymous: (spec as { anonymous?: boolean }).anonymous === true };
  }
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw new ConfigurationError("auth: an empty array of strategies");
    const strategies = spec.map((s) => resolveOne(s, container));
    return { strategy: strategies.length === 1 ? strategies[0] : anyOf(...strategies), anonymous: false };
  }
  return { strategy: resolveOne(spec, container), anonymous: false };
}
