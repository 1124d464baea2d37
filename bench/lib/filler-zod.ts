import { z } from "zod";
import { FILLER_FIELDS, type FillerField } from "./catalogue";

function zodField(field: FillerField): z.ZodType {
  const base = field.type === "string" ? z.string() : field.type === "number" ? z.number() : z.boolean();
  const described = base.describe(field.description);
  return field.optional ? described.optional() : described;
}

/** The filler tools' input as a zod shape, for the raw SDK (`inputSchema`) and fastmcp (`z.object(...)`). */
export function fillerZodShape(): Record<string, z.ZodType> {
  return Object.fromEntries(FILLER_FIELDS.map((f) => [f.name, zodField(f)]));
}
