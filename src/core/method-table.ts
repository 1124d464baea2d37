import type { Authorizer } from "./authorizer";
import type { Call } from "./call";
import type { ServerDefinition } from "./definition";
import type { Invocation } from "./invocation";
import type { QuotaGate } from "./quota-gate";
import type { ToolContext } from "../contracts/tool-context";

/** An SDK request schema (zod), used as is: the official SDK stays the reference for what a request looks like. */
export interface RequestSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** One JSON-RPC method: the SDK schema its request must satisfy and the handler of the parsed request. */
export interface MethodEntry<T = any> {
  schema: RequestSchema<T>;
  handle(request: T, call: Call): Promise<object>;
}

export type MethodTable = Record<string, MethodEntry>;

/** What every handler family is built from, once per server. */
export interface HandlerParts {
  def: ServerDefinition;
  authorizer: Authorizer;
  invocation: Invocation;
  quotas: QuotaGate;
  context(call: Call): ToolContext;
}

/** Declares a method entry with its request type inferred from the schema. */
export function method<T>(schema: RequestSchema<T>, handle: (request: T, call: Call) => Promise<object>): MethodEntry<T> {
  return { schema, handle };
}
