import { updateAuthz } from "../metadata";

/**
 * Callable without credentials, where the server allows anonymous access (`auth: { strategy, anonymous: true }`
 * or no auth at all). Cannot be combined with role or scope requirements.
 *
 * @example
 * ```ts
 * @Tool({ description: "Service status" }) @Public()
 * status() { return "ok" }
 * ```
 */
export function Public(): ClassDecorator & MethodDecorator {
  return ((target: object, key?: string | symbol) => {
    updateAuthz(target, key, (m) => {
      m.public = true;
    });
  }) as ClassDecorator & MethodDecorator;
}
