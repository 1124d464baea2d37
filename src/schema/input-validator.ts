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
  return exceedsShape(value, limit, Infinity) === "depth";
}

/**
 * Objects wider than this anywhere in a tool's or prompt's input are refused before validating: 100,000 keys cost
 * a second of CPU in the validator and an error naming every one of them.
 */
export const MAX_INPUT_KEYS = 1_000;

/**
 * Which bound `value` breaks first, walking it once without recursion: an object or array nested `maxDepth`
 * deep, or an object with more than `maxKeys` own keys. Only objects and arrays are pushed: the scalars of a wide
 * array never reach the stack.
 */
export function exceedsShape(value: unknown, maxDepth: number, maxKeys: number): "depth" | "keys" | undefined {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length) {
    const v = values.pop();
    const d = depths.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d >= maxDepth) return "depth";
    if (Array.isArray(v)) {
      for (const child of v) {
        if (child === null || typeof child !== "object") continue;
        values.push(child);
        depths.push(d + 1);
      }
      continue;
    }
    // for…in, not Object.values: no array per object, and no call into the runtime (it showed per request).
    let keys = 0;
    for (const key in v as object) {
      if (!Object.hasOwn(v as object, key)) continue;
      if (++keys > maxKeys) return "keys";
      const child = (v as Record<string, unknown>)[key];
      if (child === null || typeof child !== "object") continue;
      values.push(child);
      depths.push(d + 1);
    }
  }
  return undefined;
}

/** The size checks both validators run first, as the one field error to answer. */
export function shapeError(value: unknown): FieldError | undefined {
  const broken = exceedsShape(value, MAX_INPUT_DEPTH, MAX_INPUT_KEYS);
  if (broken === "depth") return { field: "", message: `input nested deeper than ${MAX_INPUT_DEPTH} levels` };
  if (broken === "keys") return { field: "", message: `an object in the input has more than ${MAX_INPUT_KEYS} properties` };
  return undefined;
}

/** Field errors named in one answer; the rest are counted, so a hostile input cannot make the answer huge. */
export const MAX_REPORTED_ERRORS = 20;

export function formatFieldErrors(errors: FieldError[]): string {
  const named = errors.slice(0, MAX_REPORTED_ERRORS).map((e) => (e.field ? `${e.field.slice(0, 128)}: ${e.message}` : e.message));
  const more = errors.length > MAX_REPORTED_ERRORS ? `; and ${errors.length - MAX_REPORTED_ERRORS} more` : "";
  return `Invalid arguments: ${named.join("; ")}${more}`;
}
