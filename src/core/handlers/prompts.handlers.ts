import { GetPromptRequestSchema, ListPromptsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { JsonRpcCode, ProtocolError } from "../../errors";
import { formatFieldErrors } from "../../schema/input-validator";
import type { PromptDefinition } from "../definition";
import { method, type HandlerParts, type MethodTable } from "../method-table";
import { toPromptResult } from "../result-mapper";

/** `prompts/list` and `prompts/get`. */
export function promptHandlers(parts: HandlerParts): MethodTable {
  const { def, authorizer, invocation } = parts;
  const entries = [...def.prompts.values()].map((p) => ({
    def: p,
    listed: { name: p.name, title: p.title, description: p.description, arguments: p.arguments },
  }));

  return {
    "prompts/list": method(ListPromptsRequestSchema, async (_req, call) => ({
      prompts: entries.filter((e) => authorizer.visible(call, e.def.requirement)).map((e) => e.listed),
    })),

    "prompts/get": method(GetPromptRequestSchema, async (req, call) => {
      const prompt = def.prompts.get(req.params.name);
      if (!prompt) throw new ProtocolError(JsonRpcCode.InvalidParams, `Unknown prompt: ${String(req.params.name).slice(0, 128)}`);
      authorizer.require(call, "prompt", prompt.name, prompt.requirement);
      const args = await promptArguments(prompt, req.params.arguments ?? {});
      const ctx = parts.context(call);
      await authorizer.requirePolicies(call, "prompt", prompt.name, prompt.requirement, ctx, args);
      return toPromptResult(await invocation.runOrFail(prompt.invoke, [args], ctx), prompt.description);
    }),
  };
}

/** Prompts have no error result: bad or missing arguments are invalid params (-32602). */
async function promptArguments(prompt: PromptDefinition, given: Record<string, string>): Promise<unknown> {
  if (prompt.input) {
    const checked = await prompt.input.validate(given);
    if (!checked.ok) throw new ProtocolError(JsonRpcCode.InvalidParams, formatFieldErrors(checked.errors));
    return checked.value;
  }
  const missing = prompt.arguments.filter((a) => a.required && given[a.name] === undefined);
  if (missing.length) throw new ProtocolError(JsonRpcCode.InvalidParams, `Missing required argument: ${missing.map((m) => m.name).join(", ")}`);
  return given;
}
