// The server the official MCP conformance suite (@modelcontextprotocol/conformance) tests, written with the
// functional API only: every tool, resource and prompt its server scenarios call, under the names they expect.
// No auth (the suite's client sends no credentials); Streamable HTTP with sessions (sampling and elicitation need
// them). What the framework cannot express yet is listed, with reasons, in expected-failures.yml beside this file.
//
// Run: `node dist/examples/conformance/server.js` (PORT, default 3000), then see README.md beside this file.
import { setTimeout as delay } from "node:timers/promises";
import { CreateMessageResultSchema, ElicitResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { createServer, prompt, resource, tool } from "../../src";
import { InMemoryEventStore } from "@modelcontextprotocol/sdk/examples/shared/inMemoryEventStore.js";
import { launch } from "../shared/launch";

/** A 1×1 red pixel, PNG. */
const RED_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
/** One millisecond of silence: WAV, 8 kHz mono 8-bit PCM, 8 samples. */
const SILENT_WAV = "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==";

const server = createServer({ name: "mcpcraft-conformance", version: "1.0.0" });

// --- tools (scenarios tools-call-*, json-schema-2020-12, elicitation-sep*, server-sse-polling) ---
server.add(
  tool({
    name: "test_reconnection",
    description: "Closes its own SSE stream mid-call, then finishes; the client gets the result after reconnecting",
    input: {},
    run: async (_args, ctx) => {
      ctx.closeSSEStream?.();
      await delay(100);
      return "Reconnection test completed";
    },
  }),
  tool({
    name: "test_simple_text",
    description: "Returns a simple text response",
    input: {},
    run: () => "This is a simple text response for testing.",
  }),
  tool({
    name: "test_image_content",
    description: "Returns an image (1×1 red PNG)",
    input: {},
    run: () => ({ content: [{ type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" }] }),
  }),
  tool({
    name: "test_audio_content",
    description: "Returns audio (a short silent WAV)",
    input: {},
    run: () => ({ content: [{ type: "audio", data: SILENT_WAV, mimeType: "audio/wav" }] }),
  }),
  tool({
    name: "test_embedded_resource",
    description: "Returns an embedded text resource",
    input: {},
    run: () => ({
      content: [
        { type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain", text: "This is an embedded resource content." } },
      ],
    }),
  }),
  tool({
    name: "test_multiple_content_types",
    description: "Returns text, an image and an embedded resource",
    input: {},
    run: () => ({
      content: [
        { type: "text", text: "Multiple content types test:" },
        { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" },
        {
          type: "resource",
          resource: { uri: "test://mixed-content-resource", mimeType: "application/json", text: JSON.stringify({ test: "data", value: 123 }) },
        },
      ],
    }),
  }),
  tool({
    name: "test_tool_with_logging",
    description: "Sends three info log notifications about 50 ms apart while it runs",
    input: {},
    run: async (_args, ctx) => {
      const log = (data: string) => ctx.sendNotification({ method: "notifications/message", params: { level: "info", data } });
      await log("Tool execution started");
      await delay(50);
      await log("Tool processing data");
      await delay(50);
      await log("Tool execution completed");
      return "Tool with logging executed successfully";
    },
  }),
  tool({
    name: "test_error_handling",
    description: "Always fails (a tool result with isError: true)",
    input: {},
    run: () => {
      throw new Error("This tool intentionally returns an error for testing");
    },
  }),
  tool({
    name: "test_tool_with_progress",
    description: "Reports progress 0, 50 and 100 of 100, about 50 ms apart",
    input: {},
    run: async (_args, ctx) => {
      await ctx.progress(0, 100);
      await delay(50);
      await ctx.progress(50, 100);
      await delay(50);
      await ctx.progress(100, 100);
      return "Tool with progress executed successfully";
    },
  }),
  tool({
    name: "test_sampling",
    description: "Asks the client's LLM (sampling/createMessage) and returns its answer",
    input: { prompt: { type: "string", description: "The prompt to send to the LLM" } },
    run: async ({ prompt: text }: { prompt: string }, ctx) => {
      const result = await ctx.sendRequest(
        { method: "sampling/createMessage", params: { messages: [{ role: "user", content: { type: "text", text } }], maxTokens: 100 } },
        CreateMessageResultSchema,
      );
      const answer = result.content.type === "text" ? result.content.text : JSON.stringify(result.content);
      return `LLM response: ${answer}`;
    },
  }),
  tool({
    name: "test_elicitation",
    description: "Asks the user for a username and an email (elicitation/create)",
    input: { message: { type: "string", description: "The message to show the user" } },
    run: async ({ message }: { message: string }, ctx) => {
      const result = await ctx.sendRequest(
        {
          method: "elicitation/create",
          params: {
            message,
            requestedSchema: {
              type: "object",
              properties: {
                username: { type: "string", description: "User's response" },
                email: { type: "string", description: "User's email address" },
              },
              required: ["username", "email"],
            },
          },
        },
        ElicitResultSchema,
      );
      return `User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
    },
  }),
  tool({
    name: "test_elicitation_sep1034_defaults",
    description: "Elicitation whose schema gives a default for every primitive type (SEP-1034)",
    input: {},
    run: async (_args, ctx) => {
      const result = await ctx.sendRequest(
        {
          method: "elicitation/create",
          params: {
            message: "Please review and update the form fields with defaults",
            requestedSchema: {
              type: "object",
              properties: {
                name: { type: "string", description: "User name", default: "John Doe" },
                age: { type: "integer", description: "User age", default: 30 },
                score: { type: "number", description: "User score", default: 95.5 },
                status: { type: "string", description: "User status", enum: ["active", "inactive", "pending"], default: "active" },
                verified: { type: "boolean", description: "Verification status", default: true },
              },
            },
          },
        },
        ElicitResultSchema,
      );
      return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
    },
  }),
  tool({
    name: "test_elicitation_sep1330_enums",
    description: "Elicitation using all five enum schema variants (SEP-1330)",
    input: {},
    run: async (_args, ctx) => {
      const result = await ctx.sendRequest(
        {
          method: "elicitation/create",
          params: {
            message: "Please select options from the enum fields",
            requestedSchema: {
              type: "object",
              properties: {
                untitledSingle: { type: "string", description: "Untitled single-select", enum: ["option1", "option2", "option3"] },
                titledSingle: {
                  type: "string",
                  description: "Titled single-select",
                  oneOf: [
                    { const: "value1", title: "First Option" },
                    { const: "value2", title: "Second Option" },
                    { const: "value3", title: "Third Option" },
                  ],
                },
                legacyEnum: {
                  type: "string",
                  description: "Legacy titled enum (enumNames, deprecated)",
                  enum: ["opt1", "opt2", "opt3"],
                  enumNames: ["Option One", "Option Two", "Option Three"],
                },
                untitledMulti: {
                  type: "array",
                  description: "Untitled multi-select",
                  items: { type: "string", enum: ["option1", "option2", "option3"] },
                },
                titledMulti: {
                  type: "array",
                  description: "Titled multi-select",
                  items: {
                    anyOf: [
                      { const: "value1", title: "First Choice" },
                      { const: "value2", title: "Second Choice" },
                      { const: "value3", title: "Third Choice" },
                    ],
                  },
                },
              },
            },
          },
        },
        ElicitResultSchema,
      );
      return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
    },
  }),
  tool({
    name: "json_schema_2020_12_tool",
    description: "Tool with JSON Schema 2020-12 features",
    // A full JSON Schema passes through to tools/list unchanged ($schema, $defs, additionalProperties).
    input: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      $defs: {
        address: { type: "object", properties: { street: { type: "string" }, city: { type: "string" } } },
      },
      properties: {
        name: { type: "string" },
        address: { $ref: "#/$defs/address" },
      },
      additionalProperties: false,
    },
    run: (args) => ({ content: [{ type: "text", text: `Received: ${JSON.stringify(args)}` }] }),
  }),
);

// --- resources (scenarios resources-*) ---
server.add(
  // The resources-subscribe scenarios subscribe to this URI. mcpcraft-sdk only accepts subscriptions to resources
  // it serves (it must know a resource's rules to authorize the subscription), so the example serves it.
  resource({
    uri: "test://watched-resource",
    name: "watched-resource",
    description: "A resource clients may subscribe to",
    mimeType: "text/plain",
    read: () => "watched",
  }),
  resource({
    uri: "test://static-text",
    name: "static-text",
    description: "A static text resource",
    mimeType: "text/plain",
    read: () => "This is the content of the static text resource.",
  }),
  resource({
    uri: "test://static-binary",
    name: "static-binary",
    description: "A static binary resource (1×1 red PNG)",
    mimeType: "image/png",
    read: () => Buffer.from(RED_PIXEL_PNG, "base64"),
  }),
  resource({
    uri: "test://template/{id}/data",
    name: "template-data",
    description: "Data for an id, from a URI template",
    mimeType: "application/json",
    read: (_uri, { id }) => ({ id, templateTest: true, data: `Data for ID: ${id}` }),
  }),
);

// --- prompts (scenarios prompts-*) ---
server.add(
  prompt({
    name: "test_simple_prompt",
    description: "A simple prompt without arguments",
    get: () => "This is a simple prompt for testing.",
  }),
  prompt({
    name: "test_prompt_with_arguments",
    description: "A prompt with two required arguments",
    arguments: [
      { name: "arg1", description: "First test argument", required: true },
      { name: "arg2", description: "Second test argument", required: true },
    ],
    complete: {
      arg1: (typed) => ["test", "testing", "tested", "other"].filter((v) => v.startsWith(typed)),
    },
    get: ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
  }),
  prompt({
    name: "test_prompt_with_embedded_resource",
    description: "A prompt embedding the resource named by its argument",
    arguments: [{ name: "resourceUri", description: "URI of the resource to embed", required: true }],
    get: ({ resourceUri }) => [
      { role: "user", content: { type: "resource", resource: { uri: resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." } } },
      { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
    ],
  }),
  prompt({
    name: "test_prompt_with_image",
    description: "A prompt with image content",
    get: () => [
      { role: "user", content: { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ],
  }),
);

// Resumable SSE (SEP-1699): events are kept so a client whose stream was closed reconnects with Last-Event-ID.
void launch(() => server, { http: { eventStore: new InMemoryEventStore(), retryInterval: 500 } });
