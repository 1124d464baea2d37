import type { Logger } from "../logger";

/** Structured security events. None of them ever carries a credential. */
export type AuditEvent =
  | {
      type: "auth.failure";
      reason: string;
      strategy?: string;
      ip?: string;
      keyId?: string;
      kid?: string;
      transport: string;
    }
  | {
      type: "auth.dependency_unavailable";
      strategy?: string;
      ip?: string;
      transport: string;
    }
  | {
      type: "authz.denied";
      subject?: string;
      kind: "tool" | "resource" | "prompt";
      target: string;
      missingRoles: string[][];
      missingScopes: string[];
      reason: string;
      transport: string;
    }
  | { type: "ratelimit.blocked"; ip?: string; keyId?: string; retryAfterSeconds: number }
  | { type: "ratelimit.degraded"; error: string };

/** `onAudit`: receives every audit event as it happens; it must not throw and should not block. */
export type AuditHook = (event: AuditEvent) => void;

/** Sends every event to the logger (warn level) and to the user's `onAudit` hook; a throwing hook is contained. */
export class AuditTrail {
  constructor(
    private readonly logger: Logger,
    private readonly hook?: AuditHook,
  ) {}

  /** `log: false` skips the logger (the caller reports the event itself, e.g. stdio's single start-up line). */
  emit(event: AuditEvent, options: { log?: boolean } = {}): void {
    if (options.log !== false) this.logger.warn({ event: event.type, ...event, type: undefined }, event.type);
    if (!this.hook) return;
    try {
      this.hook(event);
    } catch (err) {
      this.logger.error({ event: "audit.hook_failed", error: (err as Error)?.message }, "onAudit hook threw");
    }
  }
}
