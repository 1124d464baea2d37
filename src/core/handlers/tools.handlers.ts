import { CallToolRequestSchema, CallToolResultSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { answersAsRequestError, JsonRpcCode, ProtocolError } from "../../errors";
import { formatFieldErrors } from "../../schema/input-validator";
import type { ToolDefinition } from "../definition";
import { method, type HandlerParts, type MethodTable } from "../method-table";
import { toToolResult, toolErrorResult } from "../result-mapper";

/** `tools/list` and `tools/call`. The listed form of every tool is built here once, at start-up. */
export function toolHandlers(parts: HandlerParts): MethodTable {
  const { def, authorizer, invocation } = parts;
  const entries = [...def.tools.values()].map((t) => ({ def: t, listed: listedTool(t) }));
  const everything = { tools: entries.map((e) => e.listed) };

  return {
    "tools/list": method(ListToolsRequestSchema, async (_req, call) => {
      if (!def.hideUnauthorized) return everything;
      return { tools: entries.filter((e) => authorizer.visible(call, e.def.requirement)).map((e) => e.listed) };
    }),

    "tools/call": method(CallToolRequestSchema, async (req, call) => {
      const tool = def.tools.get(req.params.name);
      if (!tool) throw new ProtocolError(JsonRpcCode.InvalidParams, `Unknown tool: ${String(req.params.name).slice(0, 128)}`);
      authorizer.require(call, "tool", tool.name, tool.requirement);
      const checked = await tool.input.validate(req.params.arguments);
      if (!checked.ok) return toolErrorResult(formatFieldErrors(checked.errors));
      const ctx = parts.context(call);
      await authorizer.requirePolicies(call, "tool", tool.name, tool.requirement, ctx, checked.value);
      try {
        return checkedResult(await invocation.run(tool.invoke, [checked.value], ctx));
      } catch (err) {
        // A refusal raised inside the tool keeps its JSON-RPC meaning; anything else is the tool's own failure,
        // which the model should see (spec 2025-11-25: tool execution errors are results, not protocol errors).
        if (answersAsRequestError(err)) throw err;
        ctx.log.warn({ event: "tool.error", tool: tool.name, error: (err as Error)?.message }, "tool threw");
        return toolErrorResult(err instanceof Error ? err.message : "Tool failed");
      }
    }),
  };
}

function listedTool(t: ToolDefinition): Tool {
  return {
    name: t.name,
    ...(t.title ? { title: t.title } : {}),
    description: t.description,
    inputSchema: t.input.schema as Tool["inputSchema"],
    ...(t.annotations ? { annotations: t.annotations } : {}),
  };
}

/** A tool may hand back its own `CallToolResult`; one that is not well-formed must not reach the client as is. */
function checkedResult(value: unknown): object {
  const result = toToolResult(value);
  if (result === value && !CallToolResultSchema.safeParse(result).success) return toolErrorResult("Tool returned a malformed result");
  return result;
}
