/** Number and table formatting shared by every printed table. */

export const MB = 1024 * 1024;

/** `1,234` / `12.5`; a dash for a figure that was not measured (NaN from an empty median, or undefined). */
export function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return "–";
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function times(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? "–" : `${r.toFixed(2)}×`;
}

/**
 * A Markdown table padded for the terminal: the same text reads well on stdout and pastes into bench/README.md.
 * The first `textColumns` columns are left-aligned, the figures after them right-aligned.
 */
export function markdownTable(head: string[], rows: string[][], textColumns = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i < textColumns ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}
