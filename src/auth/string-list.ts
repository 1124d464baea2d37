/** Keep only own string elements: a role claim that is not an array of strings grants nothing. */
export function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === "string");
}
