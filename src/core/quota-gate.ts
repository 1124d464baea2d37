import { ToolQuotas } from "../auth/tool-quota";
import type { QuotaSpec } from "../metadata";
import { auditFactsOf, type Call } from "./call";
import type { ServerDefinition, ToolDefinition } from "./definition";

/**
 * Where a `tools/call` spends its quota: after the static authorization (roles, scopes, authentication), before
 * input validation and `@Authorize` policies. A caller the rules refuse outright gets -32003 and keeps its budget;
 * everything done on an allowed caller's behalf — validating, running policies (which may do I/O), the tool —
 * counts, so a flood of invalid arguments is bounded too.
 */
export class QuotaGate {
  /** Where the counts live (its Redis link is readied by `listen()` and closed by `close()`). */
  readonly store: ToolQuotas;
  private readonly fallback?: QuotaSpec;

  constructor(def: ServerDefinition) {
    this.fallback = def.quotas.default;
    // A server none of whose tools has a quota opens no Redis connection for them (it may share `rateLimit.redis`).
    const used = !!this.fallback || [...def.tools.values()].some((t) => t.rateLimit);
    this.store = new ToolQuotas(used ? def.quotas : { ...def.quotas, redis: undefined }, def.audit);
  }

  /**
   * Rejects with `QuotaExceededError` when this call is one too many for its principal and tool. `undefined` for a
   * tool without a quota, so the common call awaits nothing.
   */
  spend(call: Call, tool: ToolDefinition): Promise<void> | undefined {
    const spec = tool.rateLimit === undefined ? this.fallback : tool.rateLimit;
    if (!spec) return undefined;
    return this.store.consume(tool.name, spec, principalKey(call), { ...auditFactsOf(call), tool: tool.name, transport: call.connection.transport });
  }
}

/** Strategy and subject (length-prefixed, so no two principals can meet); anonymous callers by client address. */
function principalKey(call: Call): string {
  const p = call.principal;
  return p ? `${p.strategy.length}:${p.strategy}:${p.subject}` : `anonymous:${call.clientAddress ?? call.connection.transport}`;
}
