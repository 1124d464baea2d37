/** One failing field of a tool or prompt input, as data (class-validator style), so callers can render it. */
export interface FieldError {
  /** Dotted path of the field ("" for the input as a whole). */
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; value: unknown } | { ok: false; errors: FieldError[] };

/** A compiled input contract: the JSON Schema shown in `tools/list` and the validator that enforces it. */
export interface InputValidator {
  readonly schema: Record<string, unknown>;
  validate(input: unknown): Promise<ValidationResult>;
}

/** Deep nesting crashes JSON.stringify and loggers at tiny sizes; refuse it before validating anything. */
export const MAX_INPUT_DEPTH = 32;

export function exceedsDepth(value: unknown, limit = MAX_INPUT_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d >= limit) return true;
    for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return false;
}

export function formatFieldErrors(errors: FieldError[]): string {
  return `Invalid arguments: ${errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("; ")}`;
}
