/** Keep only own string elements: a role claim that is not an array of strings grants nothing. */
export function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  // A frozen list of strings (a cached principal's) is its own answer: no copy per request.
  if (Object.isFrozen(value) && value.every((v) => typeof v === "string")) return value as string[];
  return value.filter((v): v is string => typeof v === "string");
}
