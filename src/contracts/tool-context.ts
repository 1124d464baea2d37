import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CreateMessageRequestParams, CreateMessageResult, LoggingLevel, SamplingMessage, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { AuthContext, TransportKind } from "./auth-context";
import type { CallCredentials } from "./call-credentials";
import type { IntegrationHandle } from "./integration";
import type { Logger } from "./logger";

/**
 * What a tool, resource or prompt handler receives as its context (`@Ctx()` or `run`'s second argument).
 * Besides the fixed fields it carries whatever a functional `authenticate()` returned (`user`, `service`, …).
 */
export type ToolContext<TExtra extends Record<string, unknown> = Record<string, any>> = {
  /** `undefined` only for anonymous calls. */
  auth: AuthContext | undefined;
  requestId: string | number;
  sessionId?: string;
  /** Aborted when the client cancels the request or the connection closes. */
  signal: AbortSignal;
  transport: TransportKind;
  /** Sends `notifications/progress` when the client asked for progress; otherwise does nothing. */
  progress(done: number, total?: number, message?: string): Promise<void>;
  log: Logger;
  /**
   * A log line for the *client* (`notifications/message`), dropped when below the level the client chose with
   * `logging/setLevel`. Unlike `log`, it travels to the user; never put secrets in it.
   */
  clientLog(level: LoggingLevel, data: unknown): Promise<void>;
  /**
   * Sends an MCP notification to the client in the context of this request (`notifications/message` for
   * client-visible logs, resource updates…). The SDK's own function.
   */
  sendNotification: RequestHandlerExtra<ServerRequest, ServerNotification>["sendNotification"];
  /**
   * Sends a request to the client (sampling `sampling/createMessage`, elicitation `elicitation/create`, roots)
   * and awaits its result, validated with the given SDK schema. Needs a stateful HTTP session or stdio.
   */
  sendRequest: RequestHandlerExtra<ServerRequest, ServerNotification>["sendRequest"];
  /**
   * Closes this request's SSE stream now, so the client reconnects (SEP-1699 polling) while the tool keeps working.
   * Present only on stateful HTTP with an `eventStore`, where the rest of the answer can be replayed.
   */
  closeSSEStream?: () => void;
  /**
   * Tokens for calling other services on the caller's behalf (token exchange) or as the server itself (client
   * credentials, service JWTs), from `createServer({ credentials })`. `auth.token` is the *incoming* credential,
   * issued for this server: it must never be sent upstream.
   */
  credentials: CallCredentials;
  /**
   * The caller's own account at a third-party provider from `createServer({ integrations })`:
   * `await ctx.integration("github").token()`.
   */
  integration(name: string): IntegrationHandle;
  /**
   * Asks the client's model (`sampling/createMessage`) and resolves to its answer. A string is one user message.
   * Needs a client with the sampling capability, over a stateful session or stdio.
   */
  sample(prompt: string | SamplingMessage[], options?: SampleOptions): Promise<CreateMessageResult>;
  /**
   * Asks the user for structured input (`elicitation/create`): the requested schema comes from the DTO class (or
   * the given flat JSON Schema), and an accepted answer is validated into it before you see it.
   */
  elicit<T = Record<string, unknown>>(message: string, shape: (new (...args: any[]) => T) | Record<string, unknown>, options?: InputOptions): Promise<ElicitAnswer<T>>;
} & TExtra;

/**
 * How a question to the client is named on MCP 2026-07-28, where it travels in an `input_required` result and
 * comes back in `inputResponses` under that key. Default: `r0`, `r1`… in the order the tool asks.
 */
export interface InputOptions {
  inputKey?: string;
}

/** `ctx.sample()` options: everything of `sampling/createMessage` but the messages. `maxTokens` defaults to 1000. */
export type SampleOptions = Partial<Omit<CreateMessageRequestParams, "messages">> & InputOptions;

/** What `ctx.elicit()` resolves to: the user's choice and, when accepted, the validated answer. */
export type ElicitAnswer<T> = { action: "accept"; content: T } | { action: "decline" | "cancel"; content?: undefined };

/** An authorization predicate for `@Authorize` / `tool({ authorize })`. */
export type Policy<TInput = any> = (ctx: ToolContext, input: TInput) => boolean | Promise<boolean>;
