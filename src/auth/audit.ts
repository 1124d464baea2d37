import type { Logger } from "../logger";

/**
 * What every event says about the request it concerns, when known. `requestId` is the JSON-RPC id (for a refusal
 * of a whole HTTP request: the id of the one request it carried; absent for batches and GETs). `tool` is set for
 * `tools/call` of a tool the server has, never from an unknown name. `ip` is the client address.
 */
export interface AuditFacts {
  requestId?: string | number;
  tool?: string;
  strategy?: string;
  subject?: string;
  keyId?: string;
  ip?: string;
  transport?: string;
}

/** Structured security events, as the emitters build them (the trail adds `time`). None ever carries a credential. */
export type AuditEventInput =
  | (AuditFacts & { type: "auth.success"; strategy: string; subject: string; transport: string })
  | (AuditFacts & { type: "auth.failure"; reason: string; kid?: string; transport: string })
  | (AuditFacts & { type: "auth.dependency_unavailable"; transport: string })
  | (AuditFacts & {
      type: "authz.denied";
      kind: "tool" | "resource" | "prompt";
      target: string;
      missingRoles: string[][];
      missingScopes: string[];
      reason: string;
      transport: string;
    })
  | (AuditFacts & { type: "ratelimit.blocked"; retryAfterSeconds: number })
  | (AuditFacts & { type: "quota.exceeded"; tool: string; points: number; duration: number; retryAfterSeconds: number; transport: string })
  | { type: "ratelimit.degraded"; limiter: "auth" | "quota"; error: string };

/**
 * A security event as the logger and the `onAudit` hook receive it: `time` is epoch milliseconds.
 *
 * @example
 * ```ts
 * createServer({ name: "api", auth, onAudit: (e: AuditEvent) => { if (e.type === "quota.exceeded") metrics.inc(e.tool) } })
 * ```
 */
export type AuditEvent = AuditEventInput & { time: number };

/** `onAudit`: receives every audit event as it happens; it must not throw and should not block. */
export type AuditHook = (event: AuditEvent) => void;

/** Successful authentications happen on every request: debug level, so the default (info) logger drops them. */
const DEBUG_EVENTS = new Set<AuditEvent["type"]>(["auth.success"]);

/** Sends every event to the logger (warn level; `auth.success` at debug) and to the user's `onAudit` hook; a throwing hook is contained. */
export class AuditTrail {
  constructor(
    private readonly logger: Logger,
    private readonly hook?: AuditHook,
  ) {}

  /** `log: false` skips the logger (the caller reports the event itself, e.g. stdio's single start-up line). */
  /**
   * Whether an event of this type goes anywhere (the hook, or a logger at its level): `auth.success` happens on
   * every request, and building it for a debug line nobody writes was a measurable share of the request path.
   */
  wants(type: AuditEvent["type"]): boolean {
    return !!this.hook || !DEBUG_EVENTS.has(type) || this.logger.isLevelEnabled?.("debug") !== false;
  }

  emit(input: AuditEventInput, options: { log?: boolean } = {}): void {
    const event = { ...input, time: Date.now() } as AuditEvent;
    // pino stamps its own `time`; a second one would make the line's JSON carry the key twice.
    if (options.log !== false) this.logger[DEBUG_EVENTS.has(event.type) ? "debug" : "warn"]({ event: event.type, ...event, type: undefined, time: undefined }, event.type);
    if (!this.hook) return;
    try {
      this.hook(event);
    } catch (err) {
      this.logger.error({ event: "audit.hook_failed", error: (err as Error)?.message }, "onAudit hook threw");
    }
  }
}
