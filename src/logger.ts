import pino from "pino";

import type { Logger } from "./contracts/logger";

export type { Logger };

/** Header and field names whose values are credentials; pino replaces them wherever they appear. */
const REDACT = [
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  'headers["x-api-key"]',
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
  "password",
  "*.password",
  "clientSecret",
  "*.clientSecret",
];

/**
 * The default logger: JSON lines on stderr (fd 2), because stdout is the JSON-RPC channel on stdio.
 * `MCPCRAFT_LOG_LEVEL` sets the level (default "info"; "silent" turns it off).
 */
export function createDefaultLogger(level = process.env.MCPCRAFT_LOG_LEVEL ?? "info"): Logger {
  return pino(
    { level, base: undefined, redact: { paths: REDACT, censor: "[redacted]" } },
    pino.destination({ dest: 2, sync: true }),
  );
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
