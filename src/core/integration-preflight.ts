import { IntegrationRequiredError } from "../auth/integrations/integration-required.error";
import type { Invoker } from "./definition";

/**
 * Runs a tool only once the caller has every provider it declares connected, so a tool never stops halfway
 * through its side effects to ask. All missing providers are asked for in one -32042 answer, as the spec allows.
 */
export function withIntegrations(invoke: Invoker, providers: string[] | undefined): Invoker {
  if (!providers?.length) return invoke;
  return async (args, ctx, scope) => {
    const settled = await Promise.allSettled(providers.map((name) => ctx.integration(name).token()));
    const missing = settled.flatMap((r) => (r.status === "rejected" && r.reason instanceof IntegrationRequiredError ? r.reason.elicitations : []));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && !(r.reason instanceof IntegrationRequiredError));
    if (failed) throw failed.reason;
    if (missing.length) throw new IntegrationRequiredError(missing);
    return invoke(args, ctx, scope);
  };
}
