/**
 * Sets `key` on `target` as an own, enumerable property, as a spread would: `__proto__` too, which a plain
 * assignment would take for the object's prototype. Copies of caller-sent objects go through here.
 */
export function setOwnField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
