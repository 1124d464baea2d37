/**
 * The tools a contender registers. Always `echo`; with `BENCH_TOOLS=n` also n − 1 filler tools, so that
 * `tools/list` has a realistic catalogue to describe (the list50 workload). Each framework is given the same
 * fillers in its own idiom (property map, zod shape), so the listed schemas describe the same inputs.
 */
export const TOOLS_ENV = "BENCH_TOOLS";

export interface FillerField {
  name: string;
  type: "string" | "number" | "boolean";
  description: string;
  optional?: boolean;
}

/** A small input, like most real tools: two required fields and an optional flag. */
export const FILLER_FIELDS: readonly FillerField[] = [
  { name: "query", type: "string", description: "What to look for" },
  { name: "limit", type: "number", description: "Most records to return" },
  { name: "exact", type: "boolean", description: "Match the whole value only", optional: true },
];

/** What every filler answers; no workload calls them, but they must be real, callable tools. */
export const FILLER_ANSWER = "no records";

export interface FillerTool {
  name: string;
  description: string;
}

export function fillerTools(env: NodeJS.ProcessEnv = process.env): FillerTool[] {
  const raw = env[TOOLS_ENV] ?? "1";
  const total = Number(raw);
  if (!Number.isInteger(total) || total < 1 || total > 1000) throw new Error(`${TOOLS_ENV} must be an integer from 1 to 1000, got "${raw}"`);
  return Array.from({ length: total - 1 }, (_, i) => {
    const n = String(i + 2).padStart(2, "0");
    return { name: `lookup_${n}`, description: `Look up records in table ${n}` };
  });
}
