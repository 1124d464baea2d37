/** Order statistics for the figures the workloads report. */

export function median(values: number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median of one field over several measurements, skipping the ones that lack it. */
export function medianOf<T>(items: T[], pick: (item: T) => number | undefined): number {
  return median(items.map(pick).filter((v): v is number => v !== undefined));
}

/** Nearest-rank percentile (`p` from 0 to 100) of values already sorted ascending. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
