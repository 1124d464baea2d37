import { CompleteRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { JsonRpcCode, ProtocolError } from "../../errors";
import type { PromptDefinition, ResourceDefinition } from "../definition";
import { method, type HandlerParts, type MethodTable } from "../method-table";

/** The spec caps one completion answer at 100 values. */
const MAX_VALUES = 100;

/** `completion/complete` for prompt arguments and URI-template variables, under the target's own rules. */
export function completionHandlers(parts: HandlerParts): MethodTable {
  const { def, authorizer, invocation } = parts;
  return {
    "completion/complete": method(CompleteRequestSchema, async (req, call) => {
      const { ref, argument } = req.params;
      const target: { kind: "prompt" | "resource"; id: string; def: PromptDefinition | ResourceDefinition | undefined } =
        ref.type === "ref/prompt"
          ? { kind: "prompt", id: ref.name, def: def.prompts.get(ref.name) }
          : { kind: "resource", id: ref.uri, def: def.resources.find((r) => r.template && r.uri === ref.uri) };
      if (!target.def) throw new ProtocolError(JsonRpcCode.InvalidParams, `Unknown ${target.kind}: ${String(target.id).slice(0, 256)}`);
      authorizer.require(call, target.kind, target.id, target.def.requirement);
      const completer = target.def.complete?.[argument.name];
      if (!completer) return { completion: { values: [] } };
      const ctx = parts.context(call);
      const given = req.params.context?.arguments ?? {};
      const values = await invocation.runOrFail(async () => completer(argument.value, ctx, given), [], ctx);
      const strings = Array.isArray(values) ? values.filter((v): v is string => typeof v === "string") : [];
      return { completion: { values: strings.slice(0, MAX_VALUES), total: strings.length, hasMore: strings.length > MAX_VALUES } };
    }),
  };
}
