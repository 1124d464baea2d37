import { stringList } from "../string-list";

/** Keys that mean something to the JavaScript object model; claims never carry them into the context. */
const POISON_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** Claims sets nest a few levels at most; deeper data is dropped rather than walked. */
const MAX_DEPTH = 16;

const own = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The value at a claim path, following own properties only. The whole path is tried first as one claim name,
 * so namespaced claims (`https://example.com/roles`, `cognito:groups`) work; then it is split on dots
 * (`realm_access.roles`). Inherited properties (`toString`, a polluted prototype) are never reached.
 *
 * @example
 * ```ts
 * claimAt({ realm_access: { roles: ["admin"] } }, "realm_access.roles") // → ["admin"]
 * claimAt({ "cognito:groups": ["ops"] }, "cognito:groups")              // → ["ops"]
 * claimAt({}, "constructor")                                             // → undefined
 * ```
 */
export function claimAt(claims: unknown, path: string): unknown {
  if (!isRecord(claims) || path === "") return undefined;
  if (own(claims, path)) return POISON_KEYS.has(path) ? undefined : claims[path];
  let current: unknown = claims;
  for (const segment of path.split(".")) {
    if (!isRecord(current) || POISON_KEYS.has(segment) || !own(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

function copyValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = copyValue(value[i], depth + 1);
      if (item !== undefined) out.push(item);
    }
    return out;
  }
  if (isRecord(value)) return copyRecord(value, depth + 1);
  return undefined;
}

function copyRecord(source: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (POISON_KEYS.has(key)) continue;
    const value = copyValue(source[key], depth);
    // defineProperty, not assignment: assignment would run setters, which is how prototype pollution happens.
    if (value !== undefined) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * A deep copy of a verified claims set that is safe to hand to user code: plain objects and arrays of JSON
 * values only, with `__proto__`, `constructor` and `prototype` keys dropped at every level, and nesting cut
 * off after 16 levels. A payload like `{"__proto__":{"roles":["admin"]}}` therefore comes out as `{}`.
 *
 * @example
 * ```ts
 * const claims = safeClaims(JSON.parse('{"sub":"alice","__proto__":{"roles":["admin"]}}'))
 * claims.sub   // "alice"
 * claims.roles // undefined
 * ```
 */
export function safeClaims(obj: unknown): Record<string, unknown> {
  return isRecord(obj) ? copyRecord(obj, 0) : {};
}

/**
 * Roles from a claim path. Only an own array is honoured, and only its string elements: a string
 * `"admin,root"`, an object, or a role inherited through `__proto__` grants nothing.
 *
 * @example
 * ```ts
 * rolesFrom({ roles: ["admin", 7] }, "roles")   // → ["admin"]
 * rolesFrom({ roles: "admin,root" }, "roles")   // → []
 * ```
 */
export function rolesFrom(claims: unknown, path: string): string[] {
  return [...new Set(stringList(claimAt(claims, path)))];
}

/**
 * Scopes from a claim path: the OAuth `scope` form (one space-separated string, RFC 8693 §4.2) or the
 * array form some providers use (`scp`).
 *
 * @example
 * ```ts
 * scopesFrom({ scope: "repo:read repo:write" }, "scope") // → ["repo:read", "repo:write"]
 * scopesFrom({ scp: ["repo:read"] }, "scp")               // → ["repo:read"]
 * ```
 */
export function scopesFrom(claims: unknown, path: string): string[] {
  const value = claimAt(claims, path);
  const list = typeof value === "string" ? value.split(" ").filter((s) => s !== "") : stringList(value);
  return [...new Set(list)];
}
