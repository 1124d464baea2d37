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

/**
 * Objects wider than this anywhere in the input are refused before validating: 100,000 keys cost a second of CPU
 * in the validator and an error naming every one of them.
 */
export const MAX_INPUT_KEYS = 1_000;

/** True when some object in `value` has more than `limit` own keys. */
export function exceedsKeys(value: unknown, limit = MAX_INPUT_KEYS): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    const children = Object.values(v as object);
    if (!Array.isArray(v) && children.length > limit) return true;
    for (const child of children) stack.push(child);
  }
  return false;
}

/** The size checks both validators run first (depth, then width), as the one field error to answer. */
export function shapeError(value: unknown): FieldError | undefined {
  if (exceedsDepth(value)) return { field: "", message: `input nested deeper than ${MAX_INPUT_DEPTH} levels` };
  if (exceedsKeys(value)) return { field: "", message: `an object in the input has more than ${MAX_INPUT_KEYS} properties` };
  return undefined;
}

/** Field errors named in one answer; the rest are counted, so a hostile input cannot make the answer huge. */
export const MAX_REPORTED_ERRORS = 20;

export function formatFieldErrors(errors: FieldError[]): string {
  const named = errors.slice(0, MAX_REPORTED_ERRORS).map((e) => (e.field ? `${e.field.slice(0, 128)}: ${e.message}` : e.message));
  const more = errors.length > MAX_REPORTED_ERRORS ? `; and ${errors.length - MAX_REPORTED_ERRORS} more` : "";
  return `Invalid arguments: ${named.join("; ")}${more}`;
}
