import { checkQuota, setRateLimit, type QuotaSpec } from "../metadata";

/**
 * At most `points` calls of the tool per `duration` seconds, counted per principal (strategy and subject;
 * anonymous callers per client address) and per tool. On a class it applies to every tool without its own;
 * `@RateLimit(false)` exempts a tool from the class's or the server's default (`quotas.default`). The next call
 * in the window is refused with JSON-RPC -32032 and `data: { retryAfterSeconds, tool }`.
 *
 * @example
 * ```ts
 * @Tool({ description: "Search the web" })
 * @RateLimit({ points: 10, duration: 60 })   // ten calls a minute per caller
 * search(input: SearchInput) { … }
 * ```
 */
export function RateLimit(spec: QuotaSpec | false): ClassDecorator & MethodDecorator {
  const checked = checkQuota(spec, "@RateLimit");
  return ((target: object, key?: string | symbol) => {
    setRateLimit(target, key, checked);
  }) as ClassDecorator & MethodDecorator;
}
