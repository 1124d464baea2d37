import { ToolTimeoutError } from "../errors";
import type { Call } from "./call";

/**
 * Runs a tool under its deadline. When it passes, the call's `signal` aborts with a {@link ToolTimeoutError} and
 * the call answers that error at once: a tool that ignores its signal cannot hold the caller past the deadline.
 */
export async function withDeadline<T>(timeoutMs: number | undefined, call: Call, tool: string, run: () => Promise<T>): Promise<T> {
  if (!timeoutMs) return run();
  const work = run();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new ToolTimeoutError(tool, timeoutMs);
      call.flight.expire(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
    // Whatever the tool does after its deadline is no one's answer: its late failure must not go unhandled.
    work.catch(() => undefined);
  }
}
