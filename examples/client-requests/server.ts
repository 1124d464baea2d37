// Tools that talk back to the client while they run: progress notifications (ctx.progress), log lines the
// client shows (ctx.clientLog), and requests to the client — sampling its model (sampling/createMessage) and
// asking its user (elicitation/create) — with ctx.sendRequest and the SDK's result schemas.
// Run: node dist/examples/client-requests/server.js [--stdio]; client.ts beside it drives every tool over stdio.
import "reflect-metadata";
import { setTimeout as delay } from "node:timers/promises";
import { CreateMessageResultSchema, ElicitResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { IsInt, IsString, Length, Max, Min } from "class-validator";
import { container } from "tsyringe";
import { ApiKeyStrategy, Ctx, Server, Tool, createServer, type ToolContext } from "../../src";
import { ensureDevKey, launch } from "../shared/launch";

class CountInput {
  @IsInt() @Min(1) @Max(100)
  to!: number;
}

class TextInput {
  @IsString() @Length(1, 10_000)
  text!: string;
}

class DeleteInput {
  @IsString() @Length(1, 64)
  noteId!: string;
}

@Server({ name: "client-requests", version: "1.0.0", auth: ApiKeyStrategy })
export class ClientRequestsServer {
  @Tool({ description: "Counts to a number, reporting progress on the way" })
  async countTo(input: CountInput, @Ctx() ctx: ToolContext): Promise<string> {
    for (let done = 1; done <= input.to; done++) {
      await delay(20, undefined, { signal: ctx.signal }).catch(() => undefined); // the work of one step
      if (ctx.signal.aborted) return `cancelled at ${done - 1}`;
      // Sent only when the client asked for progress (a progressToken in the call); otherwise a no-op.
      await ctx.progress(done, input.to, `counted ${done}`);
    }
    // SDK 1.x clients handle a notification a microtask after it arrives but a response at once, so a progress
    // notification that reaches the client in the same read as the response is dropped as "unknown token".
    await delay(20);
    return `counted to ${input.to}`;
  }

  @Tool({ description: "Imports lines, logging each step to the client" })
  async importLines(input: TextInput, @Ctx() ctx: ToolContext): Promise<string> {
    const lines = input.text.split("\n");
    await ctx.clientLog("info", { step: "start", lines: lines.length });
    const blank = lines.filter((l) => l.trim() === "").length;
    // Dropped when the client set a higher level with logging/setLevel; never put secrets in it: the user sees it.
    if (blank > 0) await ctx.clientLog("warning", `${blank} blank line(s) skipped`);
    await ctx.clientLog("debug", { step: "done" });
    return `imported ${lines.length - blank} line(s)`;
  }

  @Tool({ description: "Summarises a text with the client's model (sampling)" })
  async summarize(input: TextInput, @Ctx() ctx: ToolContext): Promise<string> {
    const result = await ctx.sendRequest(
      {
        method: "sampling/createMessage",
        params: {
          messages: [{ role: "user", content: { type: "text", text: `Summarise in one sentence:\n\n${input.text}` } }],
          systemPrompt: "You are a concise assistant.",
          maxTokens: 200,
        },
      },
      CreateMessageResultSchema,
      { signal: ctx.signal },
    );
    return result.content.type === "text" ? `${result.content.text} (model: ${result.model})` : `(${result.content.type} answer)`;
  }

  @Tool({ description: "Deletes a note after asking the user to confirm (elicitation)" })
  async deleteNote(input: DeleteInput, @Ctx() ctx: ToolContext): Promise<string> {
    const answer = await ctx.sendRequest(
      {
        method: "elicitation/create",
        params: {
          message: `Delete note ${input.noteId}? This cannot be undone.`,
          requestedSchema: {
            type: "object",
            properties: {
              confirm: { type: "boolean", title: "Delete it", description: "Tick to delete the note" },
              reason: { type: "string", title: "Why", maxLength: 200 },
            },
            required: ["confirm"],
          },
        },
      },
      ElicitResultSchema,
      { signal: ctx.signal },
    );
    // The answer comes from the user's client: check it as any other input.
    if (answer.action !== "accept") return `kept note ${input.noteId} (${answer.action})`;
    if (answer.content?.confirm !== true) return `kept note ${input.noteId} (not confirmed)`;
    const reason = typeof answer.content.reason === "string" ? `: ${answer.content.reason}` : "";
    return `deleted note ${input.noteId}${reason}`;
  }
}

if (require.main === module) {
  ensureDevKey("API_KEY");
  void launch(() => createServer(ClientRequestsServer, { container }), { devKeyEnv: "API_KEY" });
}
