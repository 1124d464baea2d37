import type { AuthContext, TransportKind } from "../auth/auth-context";
import type { Logger } from "../logger";

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
} & TExtra;

/** An authorization predicate for `@Authorize` / `tool({ authorize })`. */
export type Policy<TInput = any> = (ctx: ToolContext, input: TInput) => boolean | Promise<boolean>;
