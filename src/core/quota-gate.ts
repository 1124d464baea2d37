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
  readonly quotas: ToolQuotas;
  private readonly fallback?: QuotaSpec;

  constructor(def: ServerDefinition) {
    this.fallback = def.quotas.default;
    // A server none of whose tools has a quota opens no Redis connection for them (it may share `rateLimit.redis`).
    const used = !!this.fallback || [...def.tools.values()].some((t) => t.rateLimit);
    this.quotas = new ToolQuotas(used ? def.quotas : { ...def.quotas, redis: undefined }, def.audit);
  }

  /** Throws `QuotaExceededError` when this call is one too many for its principal and tool. */
  async spend(call: Call, tool: ToolDefinition): Promise<void> {
    const spec = tool.rateLimit === undefined ? this.fallback : tool.rateLimit;
    if (!spec) return;
    await this.quotas.consume(tool.name, spec, principalKey(call), { ...auditFactsOf(call), tool: tool.name, transport: call.connection.transport });
  }
}

/** Strategy and subject (length-prefixed, so no two principals can meet); anonymous callers by client address. */
function principalKey(call: Call): string {
  const p = call.principal;
  return p ? `${p.strategy.length}:${p.strategy}:${p.subject}` : `anonymous:${call.clientAddress ?? call.connection.transport}`;
}
