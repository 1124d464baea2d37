import { createHash, timingSafeEqual } from "node:crypto";
import { inject, injectable, type InjectionToken } from "tsyringe";
import { ConfigurationError, AuthenticationError } from "../../errors";
import type { AuthContext, AuthRequest } from "../../contracts/auth-context";
import type { AuthStrategy } from "../auth-strategy";

/** One accepted key. Give `key` (plain) or `sha256` (hex digest of the key) so plain keys need not be stored. */
export interface ApiKeyEntry {
  id: string;
  key?: string;
  sha256?: string;
  roles?: string[];
  scopes?: string[];
  /** Defaults to `apikey:<id>`. */
  subject?: string;
  /** After this instant the key is refused (Date, ISO string or epoch seconds). */
  notAfter?: Date | string | number;
}

/** Options of {@link ApiKeyStrategy}: the constructor argument, or `API_KEY_OPTIONS` in the container. */
export interface ApiKeyStrategyOptions {
  /** Header carrying the key. Default `x-api-key`. Keys are never read from the query string. */
  header?: string;
  /** Accepted keys. Default: `process.env[env]`, comma-separated, so old and new keys overlap during rotation. */
  keys?: (string | ApiKeyEntry)[];
  /** Environment variable read when `keys` is not given. Default `API_KEY`. */
  env?: string;
  /** Roles given to keys that do not name their own (including keys from the environment). */
  roles?: string[];
  /** Scopes given to keys that do not name their own. */
  scopes?: string[];
}

interface CompiledKey {
  id: string;
  digest: Buffer;
  roles: string[];
  scopes: string[];
  subject: string;
  notAfter?: number;
}

const MAX_KEY_LENGTH = 1024;

const sha256 = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

function epochSeconds(value: Date | string | number | undefined, id: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw new ConfigurationError(`ApiKeyStrategy: key "${id}" has an invalid notAfter`);
  return Math.floor(ms / 1000);
}

/** Environment keys are `key` or `id:key`; a bare key's id is the start of its SHA-256, stable across restarts. */
function parseEnvKey(raw: string): ApiKeyEntry {
  const match = /^([A-Za-z0-9_.-]{1,64}):(.+)$/.exec(raw);
  if (match) return { id: match[1], key: match[2] };
  return { id: `key-${sha256(raw).toString("hex").slice(0, 8)}`, key: raw };
}

/** Options for `ApiKeyStrategy` when the container builds it: `container.register(API_KEY_OPTIONS, { useValue: { ... } })`. */
export const API_KEY_OPTIONS: InjectionToken<ApiKeyStrategyOptions> = Symbol.for("mcpcraft.API_KEY_OPTIONS");

/**
 * API keys in a header (default `x-api-key`), compared in constant time against every configured key.
 *
 * @example
 * ```ts
 * // API_KEY="ci:sk-new-…,sk-old-…" → both keys valid while clients rotate
 * createServer(MyServer, { container })  // with @Server({ auth: ApiKeyStrategy })
 * new ApiKeyStrategy({ keys: [{ id: "ci", key: "sk-…", roles: ["deployer"] }] })
 * ```
 */
@injectable()
export class ApiKeyStrategy implements AuthStrategy {
  readonly name = "api-key";
  private readonly header: string;
  private readonly envName: string;
  private readonly keys: CompiledKey[];

  constructor(@inject(API_KEY_OPTIONS, { isOptional: true }) options?: ApiKeyStrategyOptions) {
    const opts = options ?? {};
    this.header = (opts.header ?? "x-api-key").toLowerCase();
    this.envName = opts.env ?? "API_KEY";
    const entries =
      opts.keys ??
      (process.env[this.envName] ?? "")
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean)
        .map(parseEnvKey);
    if (entries.length === 0)
      throw new ConfigurationError(
        `ApiKeyStrategy has no keys: set ${this.envName} (comma-separated for rotation) or pass { keys: [...] }`,
      );
    const ids = new Set<string>();
    this.keys = entries.map((e) => {
      const entry = typeof e === "string" ? parseEnvKey(e) : e;
      if (ids.has(entry.id)) throw new ConfigurationError(`ApiKeyStrategy: duplicate key id "${entry.id}"`);
      ids.add(entry.id);
      let digest: Buffer;
      if (entry.key !== undefined) {
        if (entry.key.length === 0) throw new ConfigurationError(`ApiKeyStrategy: key "${entry.id}" is empty`);
        digest = sha256(entry.key);
      } else if (entry.sha256 && /^[0-9a-f]{64}$/i.test(entry.sha256)) {
        digest = Buffer.from(entry.sha256, "hex");
      } else {
        throw new ConfigurationError(`ApiKeyStrategy: key "${entry.id}" needs "key" or a hex "sha256"`);
      }
      return {
        id: entry.id,
        digest,
        roles: entry.roles ?? opts.roles ?? [],
        scopes: entry.scopes ?? opts.scopes ?? [],
        subject: entry.subject ?? `apikey:${entry.id}`,
        notAfter: epochSeconds(entry.notAfter, entry.id),
      };
    });
  }

  hasCredentials(req: AuthRequest): boolean {
    return req.headers[this.header] !== undefined;
  }

  stdioEnv(): Record<string, string> {
    return { [this.envName]: this.header };
  }

  async authenticate(req: AuthRequest): Promise<AuthContext> {
    const presented = req.headers[this.header];
    if (presented === undefined || presented === "") throw new AuthenticationError("missing_credentials");
    if (presented.length > MAX_KEY_LENGTH) throw new AuthenticationError("invalid_credentials");
    const digest = sha256(presented);
    // Compare against every key, without an early exit, so timing does not reveal which key (if any) matched.
    let found: CompiledKey | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(digest, key.digest) && !found) found = key;
    }
    if (!found) throw new AuthenticationError("invalid_credentials");
    if (found.notAfter !== undefined && Date.now() / 1000 >= found.notAfter)
      throw new AuthenticationError("key_expired", undefined, { keyId: found.id });
    return {
      subject: found.subject,
      roles: [...found.roles],
      scopes: [...found.scopes],
      claims: { keyId: found.id },
      strategy: this.name,
      keyId: found.id,
    };
  }
}
