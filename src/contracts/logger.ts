/** The logging surface the framework uses: pino-compatible `(fields, message)` calls. */
export interface Logger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
  /** pino's own: whether a line at this level would be written. Lets callers skip building one that would not. */
  isLevelEnabled?(level: "debug" | "info" | "warn" | "error"): boolean;
}
