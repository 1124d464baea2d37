import type { Logger } from "./contracts/logger";

export type { Logger };

/**
 * Field names whose values are credentials, compared lower-cased without `-` and `_` (so `Authorization`,
 * `x-api-key`, `client_secret` and `clientSecret` all match), and the endings that mark one (`githubToken`,
 * `dbPassword`). pino's own `redact` paths cannot say "at any depth" (`*.token` is one level only, and arrays are
 * not searched), so every logged object is walked instead.
 */
const SECRET_NAMES = new Set(["authorization", "proxyauthorization", "xapikey", "apikey", "cookie", "setcookie", "mcpsessionid", "jwt", "credentials"]);
const SECRET_ENDINGS = ["token", "secret", "password", "passwd", "apikey", "privatekey", "authorization"];
/** Values that are credentials whatever their key: a Bearer or Basic credential, or a JWT (not free text that merely mentions one). */
const SECRET_VALUE = /^(?:bearer\s+\S|basic\s+[A-Za-z0-9+/]{8,}={0,2}$|eyJ[\w-]+\.eyJ[\w-]*\.)/i;
const CENSOR = "[redacted]";
/** Deeper than this, a branch is dropped rather than searched (fail closed). */
const MAX_REDACT_DEPTH = 32;

function isSecretName(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, "");
  return SECRET_NAMES.has(k) || SECRET_ENDINGS.some((end) => k.endsWith(end));
}

const isPlain = (v: object) => Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null;

/**
 * A copy of `value` with every credential replaced by "[redacted]", at any depth and in arrays; untouched
 * branches are shared, and the caller's object is never changed. An error carrying a credential in its fields (an
 * HTTP client's error with its request's headers) becomes a plain copy; other class instances are left to pino.
 * The default logger applies it to every line; use it in a logger of your own.
 *
 * @example
 * ```ts
 * redactSecrets({ req: { headers: { "X-Api-Key": "sk-…", host: "api" } } })
 * // → { req: { headers: { "X-Api-Key": "[redacted]", host: "api" } } }
 * ```
 */
export function redactSecrets(value: unknown, depth = 0, seen = new Set<object>()): unknown {
  if (typeof value === "string") return SECRET_VALUE.test(value) ? CENSOR : value;
  if (value instanceof Error) return redactError(value, depth, seen);
  if (!value || typeof value !== "object" || !isPlain(value)) return value;
  if (depth >= MAX_REDACT_DEPTH) return "[too deep]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  let copy: Record<string, unknown> | unknown[] | undefined;
  for (const key of Object.keys(value)) {
    const before = (value as Record<string, unknown>)[key];
    const after = before !== undefined && before !== null && !Array.isArray(value) && isSecretName(key) ? CENSOR : redactSecrets(before, depth + 1, seen);
    if (after === before) continue;
    copy ??= Array.isArray(value) ? [...value] : { ...value };
    (copy as Record<string, unknown>)[key] = after;
  }
  seen.delete(value);
  return copy ?? value;
}

/** The error itself when nothing in it is a credential; else a copy shaped as pino's error serializer writes one. */
function redactError(err: Error, depth: number, seen: Set<object>): unknown {
  const own: Record<string, unknown> = { ...err, ...(err.cause !== undefined ? { cause: err.cause } : {}) };
  const fields = redactSecrets(own, depth, seen);
  const message = redactSecrets(err.message, depth, seen) as string;
  if (fields === own && message === err.message) return err;
  const stack = message === err.message ? err.stack : err.stack?.split(err.message).join(CENSOR);
  return { type: err.constructor?.name ?? "Error", message, stack, ...(fields as Record<string, unknown>) };
}

/**
 * The default logger: JSON lines on stderr (fd 2), because stdout is the JSON-RPC channel on stdio.
 * `MCPCRAFT_LOG_LEVEL` sets the level (default "info"; "silent" turns it off).
 *
 * @example
 * ```ts
 * const log = createDefaultLogger("debug")
 * log.info({ orderId: 42 }, "order placed")   // {"level":30,"orderId":42,"msg":"order placed",…} on stderr
 * ```
 */
export function createDefaultLogger(level = process.env.MCPCRAFT_LOG_LEVEL ?? "info"): Logger {
  // pino is built at the first line actually logged: a server that logs nothing at start-up (the usual case)
  // saves its load time (~12 ms of a ~300 ms cold start).
  const known = Object.hasOwn(LEVELS, level) ? level : "info";
  let pinoLogger: Logger | undefined;
  const real = (): Logger => {
    if (!pinoLogger) {
      const pino = require("pino") as typeof import("pino");
      pinoLogger = pino({ level: known, base: undefined, formatters: { log: (fields) => redactSecrets(fields) as Record<string, unknown> } }, pino.destination({ dest: 2, sync: true }));
    }
    return pinoLogger;
  };
  const rank = LEVELS[known];
  const at = (name: "debug" | "info" | "warn" | "error") => (fields: Record<string, unknown>, message?: string) => {
    if (LEVELS[name] >= rank) real()[name](fields, message);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), isLevelEnabled: (name) => LEVELS[name] >= rank };
}

/** pino's numeric levels; anything unknown (a typo) falls back to info, "silent" drops everything. */
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, isLevelEnabled: () => false };
