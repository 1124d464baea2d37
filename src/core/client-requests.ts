import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  type CreateMessageRequestParams,
  type CreateMessageResult,
  type ElicitRequestFormParams,
  type SamplingMessage,
} from "@modelcontextprotocol/sdk/types.js";
import type { ElicitAnswer, InputOptions, SampleOptions } from "../contracts/tool-context";
import type { Class } from "../metadata";
import type { InputValidator } from "../schema/input-validator";
import { formatFieldErrors } from "../schema/input-validator";
import { schemaValidator } from "../schema/schema-source";

type Send = (request: { method: string; params: Record<string, unknown> }, schema: { parse(v: unknown): unknown }, inputKey?: string) => Promise<unknown>;

/** `ctx.sample(...)`: `sampling/createMessage` with a prompt string or messages. */
export async function sample(send: Send, prompt: string | SamplingMessage[], options: SampleOptions = {}): Promise<CreateMessageResult> {
  const messages: SamplingMessage[] = typeof prompt === "string" ? [{ role: "user", content: { type: "text", text: prompt } }] : prompt;
  const { inputKey, ...rest } = options;
  const params: CreateMessageRequestParams = { maxTokens: 1000, ...rest, messages };
  return (await send({ method: "sampling/createMessage", params: params as Record<string, unknown> }, CreateMessageResultSchema, inputKey)) as CreateMessageResult;
}

/** Elicitation schemas given as JSON Schema objects at call time are compiled once per object. */
const compiled = new WeakMap<object, InputValidator>();

/**
 * `ctx.elicit(message, Dto | schema)`: the requested schema is the DTO's (or the given) flat object schema, and an
 * accepted answer is validated into it — a client that answers outside the schema is refused, not believed.
 */
export async function elicit<T>(send: Send, message: string, shape: Class<T> | Record<string, unknown>, options: InputOptions = {}): Promise<ElicitAnswer<T>> {
  let validator = compiled.get(shape);
  if (!validator) compiled.set(shape, (validator = schemaValidator(shape, "ctx.elicit()")));
  const { properties, required } = validator.schema as { properties?: Record<string, unknown>; required?: string[] };
  // MCP's requested schema is a flat object of primitive properties: only these keys, nothing a client may reject.
  const requestedSchema = { type: "object", properties: properties ?? {}, ...(required?.length ? { required } : {}) } as ElicitRequestFormParams["requestedSchema"];
  const result = (await send({ method: "elicitation/create", params: { message, requestedSchema } }, ElicitResultSchema, options.inputKey)) as { action: ElicitAnswer<T>["action"]; content?: unknown };
  if (result.action !== "accept") return { action: result.action };
  const checked = await validator.validate(result.content ?? {});
  if (!checked.ok) throw new Error(`The client's answer does not match the requested schema: ${formatFieldErrors(checked.errors).replace(/^Invalid arguments: /, "")}`);
  return { action: "accept", content: checked.value as T };
}
