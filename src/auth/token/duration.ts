import { ConfigurationError } from "../../errors";

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * A duration option in whole seconds: a number of seconds, or a string `"<n><unit>"` with unit `ms`, `s`, `m`,
 * `h` or `d` (`"15m"`, `"90s"`, `"1h"`). Parsed once at start-up; anything else is a {@link ConfigurationError}
 * naming the option.
 *
 * @example
 * ```ts
 * durationSeconds("15m", "maxTokenAge") // → 900
 * durationSeconds(300, "maxTokenAge")   // → 300
 * ```
 */
export function durationSeconds(value: string | number, option: string): number {
  let seconds: number;
  if (typeof value === "number") {
    seconds = value;
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(String(value));
    if (!match) throw new ConfigurationError(`${option} must be seconds or a string like "15m", got ${JSON.stringify(value)}`);
    seconds = Number(match[1]) * UNIT_SECONDS[match[2] ?? "s"];
  }
  if (!Number.isFinite(seconds) || seconds < 0) throw new ConfigurationError(`${option} must be a non-negative duration`);
  return Math.floor(seconds);
}
