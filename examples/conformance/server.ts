// The server the official MCP conformance suite (@modelcontextprotocol/conformance) tests, written with the
// decorator API: every tool, resource and prompt its server scenarios call, under the names they expect. No auth
// (the suite's client sends no credentials); Streamable HTTP with sessions (sampling and elicitation need them)
// and resumable SSE. `npm run conformance` runs the whole suite against it, with no expected-failures file.
//
// Run: `node dist/examples/conformance/server.js` (PORT, default 3000), then see README.md beside this file.
import "reflect-metadata";
import { setTimeout as delay } from "node:timers/promises";
import { InMemoryEventStore } from "@modelcontextprotocol/sdk/examples/shared/inMemoryEventStore.js";
import { CreateMessageResultSchema, ElicitResultSchema, ListRootsResultSchema, type ElicitRequest } from "@modelcontextprotocol/sdk/types.js";
import { IsString } from "class-validator";
import { Ctx, JsonRpcCode, Prompt, Resource, Server, Tool, createServer, type CraftServer, type ToolContext } from "../../src";
import { launch } from "../shared/launch";
import { CONTACT_FORM, DEFAULTS_FORM, ENUMS_FORM, JSON_SCHEMA_2020_12_INPUT, RED_PIXEL_PNG, SILENT_WAV } from "./content";

class SamplingInput {
  @IsString()
  prompt!: string;
}

class ElicitationInput {
  @IsString()
  message!: string;
}

class EmbedInput {
  @IsString()
  resourceUri!: string;
}

async function elicit(ctx: ToolContext, message: string, requestedSchema: unknown): Promise<string> {
  const params = { message, requestedSchema } as ElicitRequest["params"];
  const result = await ctx.sendRequest({ method: "elicitation/create", params }, ElicitResultSchema);
  return `action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
}

@Server({ name: "mcpcraft-conformance", version: "1.0.0" })
export class ConformanceServer {
  @Tool({ description: "Closes its own SSE stream mid-call, then finishes; the client gets the result after reconnecting" })
  async testReconnection(@Ctx() ctx: ToolContext) {
    ctx.closeSSEStream?.();
    await delay(100);
    return "Reconnection test completed";
  }

  @Tool({ description: "Returns a simple text response" })
  testSimpleText() {
    return "This is a simple text response for testing.";
  }

  @Tool({ description: "Returns an image (1×1 red PNG)" })
  testImageContent() {
    return { content: [{ type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" }] };
  }

  @Tool({ description: "Returns audio (a short silent WAV)" })
  testAudioContent() {
    return { content: [{ type: "audio", data: SILENT_WAV, mimeType: "audio/wav" }] };
  }

  @Tool({ description: "Returns an embedded text resource" })
  testEmbeddedResource() {
    return { content: [{ type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain", text: "This is an embedded resource content." } }] };
  }

  @Tool({ description: "Returns text, an image and an embedded resource" })
  testMultipleContentTypes() {
    const json = { uri: "test://mixed-content-resource", mimeType: "application/json", text: JSON.stringify({ test: "data", value: 123 }) };
    return {
      content: [
        { type: "text", text: "Multiple content types test:" },
        { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" },
        { type: "resource", resource: json },
      ],
    };
  }

  @Tool({ description: "Sends three info log notifications about 50 ms apart while it runs" })
  async testToolWithLogging(@Ctx() ctx: ToolContext) {
    for (const [i, line] of ["Tool execution started", "Tool processing data", "Tool execution completed"].entries()) {
      if (i > 0) await delay(50);
      await ctx.clientLog("info", line);
    }
    return "Tool with logging executed successfully";
  }

  @Tool({ description: "Always fails (a tool result with isError: true)" })
  testErrorHandling(): string {
    throw new Error("This tool intentionally returns an error for testing");
  }

  @Tool({ description: "Reports progress 0, 50 and 100 of 100, about 50 ms apart" })
  async testToolWithProgress(@Ctx() ctx: ToolContext) {
    for (const done of [0, 50, 100]) {
      if (done > 0) await delay(50);
      await ctx.progress(done, 100);
    }
    return "Tool with progress executed successfully";
  }

  @Tool({ description: "Asks the client's LLM (sampling/createMessage) and returns its answer" })
  async testSampling(input: SamplingInput, @Ctx() ctx: ToolContext) {
    const result = await ctx.sendRequest(
      { method: "sampling/createMessage", params: { messages: [{ role: "user", content: { type: "text", text: input.prompt } }], maxTokens: 100 } },
      CreateMessageResultSchema,
    );
    const answer = result.content.type === "text" ? result.content.text : JSON.stringify(result.content);
    return `LLM response: ${answer}`;
  }

  @Tool({ description: "Asks the user for a username and an email (elicitation/create)" })
  async testElicitation(input: ElicitationInput, @Ctx() ctx: ToolContext) {
    return `User response: ${await elicit(ctx, input.message, CONTACT_FORM)}`;
  }

  @Tool({ name: "test_elicitation_sep1034_defaults", description: "Elicitation whose schema gives a default for every primitive type (SEP-1034)" })
  async elicitWithDefaults(@Ctx() ctx: ToolContext) {
    return `Elicitation completed: ${await elicit(ctx, "Please review and update the form fields with defaults", DEFAULTS_FORM)}`;
  }

  @Tool({ name: "test_elicitation_sep1330_enums", description: "Elicitation using all five enum schema variants (SEP-1330)" })
  async elicitWithEnums(@Ctx() ctx: ToolContext) {
    return `Elicitation completed: ${await elicit(ctx, "Please select options from the enum fields", ENUMS_FORM)}`;
  }

  @Tool({ name: "json_schema_2020_12_tool", description: "Tool with JSON Schema 2020-12 features", input: JSON_SCHEMA_2020_12_INPUT })
  jsonSchemaTool(args: Record<string, unknown>) {
    return { content: [{ type: "text", text: `Received: ${JSON.stringify(args)}` }] };
  }

  // The resources-subscribe scenarios subscribe to this URI. The framework only accepts subscriptions to resources
  // it serves (it must know a resource's rules to authorize the subscription), so the example serves it.
  @Resource("test://watched-resource", { name: "watched-resource", description: "A resource clients may subscribe to", mimeType: "text/plain" })
  watched() {
    return "watched";
  }

  @Resource("test://static-text", { name: "static-text", description: "A static text resource", mimeType: "text/plain" })
  staticText() {
    return "This is the content of the static text resource.";
  }

  @Resource("test://static-binary", { name: "static-binary", description: "A static binary resource (1×1 red PNG)", mimeType: "image/png" })
  staticBinary() {
    return Buffer.from(RED_PIXEL_PNG, "base64");
  }

  @Resource("test://template/{id}/data", { name: "template-data", description: "Data for an id, from a URI template", mimeType: "application/json" })
  templateData(_uri: string, params: Record<string, string>) {
    return { id: params.id, templateTest: true, data: `Data for ID: ${params.id}` };
  }

  // MCP 2026-07-28: the stateless scenario's diagnostics, and the input_required (multi-round) scenarios. The same
  // ctx.elicit / ctx.sample as on 2025; on 2026 they travel as input_required rounds.
  @Tool({ description: "Samples without checking the client can: -32021 when its envelope declares no sampling" })
  async testMissingCapability(@Ctx() ctx: ToolContext) {
    return textOf(await ctx.sample("Say hello", { maxTokens: 10 }));
  }

  @Tool({ description: "Asks the user on its own response stream (as input_required on 2026-07-28)" })
  async testStreamingElicitation(@Ctx() ctx: ToolContext) {
    const answer = await ctx.elicit("What is your name?", { name: { type: "string", description: "Your name" } });
    return `Hello, ${String(answer.content?.name ?? "stranger")}!`;
  }

  @Tool({ description: "Logs at info: nothing is sent when the request names no log level" })
  async testLoggingTool(@Ctx() ctx: ToolContext) {
    await ctx.clientLog("info", "a log line the client may not want");
    return "Logged (if asked to)";
  }

  @Tool({ description: "Announces a tools/list change" })
  async testTriggerToolChange() {
    return `Told ${await running!.notifyListChanged("tools")}`;
  }

  @Tool({ description: "Announces a prompts/list change" })
  async testTriggerPromptChange() {
    return `Told ${await running!.notifyListChanged("prompts")}`;
  }

  @Tool({ description: "Asks the user's name (input_required, key user_name)" })
  async testInputRequiredResultElicitation(@Ctx() ctx: ToolContext) {
    const answer = await ctx.elicit("What is your name?", { name: { type: "string", description: "Your name" } }, { inputKey: "user_name" });
    return `Hello, ${String(answer.content?.name)}!`;
  }

  @Tool({ description: "Asks the client's model (input_required, key capital_question)" })
  async testInputRequiredResultSampling(@Ctx() ctx: ToolContext) {
    return `The model said: ${textOf(await ctx.sample("What is the capital of France?", { maxTokens: 100, inputKey: "capital_question" }))}`;
  }

  @Tool({ description: "Asks for the client's roots (input_required, key client_roots)" })
  async testInputRequiredResultListRoots(@Ctx() ctx: ToolContext) {
    return `Roots: ${JSON.stringify((await roots(ctx)).roots)}`;
  }

  @Tool({ description: "One question, carried across the round in requestState" })
  async testInputRequiredResultRequestState(@Ctx() ctx: ToolContext) {
    const answer = await ctx.elicit("Continue?", { ok: { type: "boolean", description: "Go on" } }, { inputKey: "confirm" });
    return answer.content?.ok ? "state-ok" : "state-declined";
  }

  @Tool({ description: "Asks three things at once: elicitation, sampling and roots" })
  async testInputRequiredResultMultipleInputs(@Ctx() ctx: ToolContext) {
    const [who, said, where] = await Promise.all([
      ctx.elicit("What is your name?", { name: { type: "string", description: "Your name" } }, { inputKey: "user_name" }),
      ctx.sample("Say hello", { maxTokens: 20, inputKey: "greeting" }),
      roots(ctx),
    ]);
    return `${String(who.content?.name)} / ${textOf(said)} / ${where.roots.length} root(s)`;
  }

  @Tool({ description: "Asks twice, one round after the other" })
  async testInputRequiredResultMultiRound(@Ctx() ctx: ToolContext) {
    const who = await ctx.elicit("What is your name?", { name: { type: "string", description: "Your name" } }, { inputKey: "step1" });
    const colour = await ctx.elicit("Favourite colour?", { color: { type: "string", description: "A colour" } }, { inputKey: "step2" });
    return `${String(who.content?.name)} likes ${String(colour.content?.color)}`;
  }

  @Tool({ description: "Asks once; a tampered requestState is refused" })
  async testInputRequiredResultTamperedState(@Ctx() ctx: ToolContext) {
    const answer = await ctx.elicit("What is your name?", { name: { type: "string", description: "Your name" } }, { inputKey: "user_name" });
    return `Hello, ${String(answer.content?.name)}!`;
  }

  @Tool({ description: "Asks the user when the client can elicit, else its model" })
  async testInputRequiredResultCapabilities(@Ctx() ctx: ToolContext) {
    try {
      const answer = await ctx.elicit("What is your name?", { name: { type: "string", description: "Your name" } });
      return `Hello, ${String(answer.content?.name)}!`;
    } catch (err) {
      // -32021: no elicitation in this request's capabilities; anything else (input_required included) goes on up.
      if ((err as { rpcCode?: number }).rpcCode !== JsonRpcCode.MissingRequiredClientCapability) throw err;
      return textOf(await ctx.sample("Make up a name", { maxTokens: 10 }));
    }
  }

  @Tool({
    name: "test_custom_header",
    description: "Routes on a region, which clients also send as the Mcp-Param-Region header (SEP-2243)",
    input: { type: "object", properties: { region: { type: "string", description: "A region", "x-mcp-header": "Region" } }, required: ["region"] },
  })
  customHeader(args: { region: string }) {
    return `Region: ${args.region}`;
  }

  @Prompt({ name: "test_input_required_result_prompt", description: "A prompt that asks the user for context first" })
  async inputRequiredPrompt(_args: Record<string, string>, @Ctx() ctx: ToolContext) {
    const answer = await ctx.elicit("What context should the prompt use?", { context: { type: "string", description: "Context" } }, { inputKey: "user_context" });
    return `Use this context: ${String(answer.content?.context)}`;
  }

  @Prompt({ name: "test_simple_prompt", description: "A simple prompt without arguments" })
  simplePrompt() {
    return "This is a simple prompt for testing.";
  }

  @Prompt({
    name: "test_prompt_with_arguments",
    description: "A prompt with two required arguments",
    arguments: [
      { name: "arg1", description: "First test argument", required: true },
      { name: "arg2", description: "Second test argument", required: true },
    ],
    complete: { arg1: (typed) => ["test", "testing", "tested", "other"].filter((v) => v.startsWith(typed)) },
  })
  promptWithArguments(args: Record<string, string>) {
    return `Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'`;
  }

  @Prompt({ name: "test_prompt_with_embedded_resource", description: "A prompt embedding the resource named by its argument", input: EmbedInput })
  promptWithEmbeddedResource(args: EmbedInput) {
    return [
      { role: "user", content: { type: "resource", resource: { uri: args.resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." } } },
      { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
    ];
  }

  @Prompt({ name: "test_prompt_with_image", description: "A prompt with image content" })
  promptWithImage() {
    return [
      { role: "user", content: { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ];
  }
}

const textOf = (r: { content: { type: string; text?: string } }) => (r.content.type === "text" ? r.content.text : r.content.type);
const roots = (ctx: ToolContext) => ctx.sendRequest({ method: "roots/list" }, ListRootsResultSchema);

/** The running server, for the tools that announce list changes. */
let running: CraftServer | undefined;

// Resumable SSE (SEP-1699): events are kept so a client whose stream was closed reconnects with Last-Event-ID.
void launch(() => (running = createServer(ConformanceServer)), { http: { eventStore: new InMemoryEventStore(), retryInterval: 500 } });
