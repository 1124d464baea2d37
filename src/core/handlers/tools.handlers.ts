import { CallToolRequestSchema, CallToolResultSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { ForbiddenError, JsonRpcCode, ProtocolError, ToolTimeoutError } from "../../errors";
import { formatFieldErrors } from "../../schema/input-validator";
import type { ToolDefinition } from "../definition";
import { InputRequired } from "../modern/input-rounds";
import { method, type HandlerParts, type MethodTable } from "../method-table";
import { toToolResult, toolErrorResult } from "../result-mapper";
import { withDeadline } from "../tool-deadline";

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
      const spending = parts.quotas.spend(call, tool);
      if (spending) await spending;
      const checked = await tool.input.validate(req.params.arguments);
      if (!checked.ok) return toolErrorResult(formatFieldErrors(checked.errors));
      const ctx = parts.context(call);
      await authorizer.requirePolicies(call, "tool", tool.name, tool.requirement, ctx, checked.value);
      try {
        const deadline = tool.timeoutMs ?? def.toolTimeoutMs;
        return await checkedResult(tool, await withDeadline(deadline, call, tool.name, () => invocation.run(tool.invoke, [checked.value], ctx)));
      } catch (err) {
        // A refusal raised inside the tool keeps its JSON-RPC meaning, and so does its deadline (whether the race
        // or the tool rethrowing its signal's reason raised it); anything else is the tool's own failure, which the
        // model should see (spec 2025-11-25: tool execution errors are results, not protocol errors).
        if (err instanceof ToolTimeoutError) ctx.log.warn({ event: "tool.timeout", tool: tool.name, timeoutMs: err.timeoutMs }, "tool ran past its deadline");
        if (err instanceof ForbiddenError || err instanceof ProtocolError || err instanceof ToolTimeoutError || err instanceof InputRequired) throw err;
        // A cancelled call is answered by no one: its tool stopping is what was asked, not a failure to report.
        if (call.flight.aborted) throw err;
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
    ...(t.output ? { outputSchema: t.output.schema as Tool["outputSchema"] } : {}),
    ...(t.annotations ? { annotations: t.annotations } : {}),
  };
}

/**
 * A tool may hand back its own `CallToolResult`; one that is not well-formed must not reach the client as is. With
 * an `outputSchema` the structured result must conform to it (spec 2025-11-25, "Output Schema": servers MUST).
 */
async function checkedResult(tool: ToolDefinition, value: unknown): Promise<object> {
  const result = toToolResult(value);
  const userShaped = result === value || result.content === value;
  if (userShaped && !CallToolResultSchema.safeParse(result).success) return toolErrorResult("Tool returned a malformed result");
  if (!tool.output || result.isError) return result;
  if (result.structuredContent === undefined) return toolErrorResult(`Tool ${tool.name} returned no structured content for its outputSchema`);
  const checked = await tool.output.validate(result.structuredContent);
  if (!checked.ok) return toolErrorResult(`Tool ${tool.name} returned output that does not match its outputSchema: ${formatFieldErrors(checked.errors).replace(/^Invalid arguments: /, "")}`);
  return result;
}
