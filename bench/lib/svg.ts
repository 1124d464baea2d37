import { fmt } from "./format";

/** One horizontal bar: a server's figure in one workload. */
export interface Bar {
  label: string;
  value: number;
  /** The value as printed; default: the value rounded. */
  text?: string;
  /** Printed after the value in grey, e.g. the ratios. */
  note?: string;
}

export interface BarChart {
  title: string;
  unit: string;
  /** Said in the title, so a longer bar is never read as better when it is not. */
  lowerIsBetter?: boolean;
  bars: Bar[];
}

const MIN_WIDTH = 900;
/** Average advance of a 12 px sans-serif character, to size the picture so no value or note is cut off. */
const CHAR_WIDTH = 6.8;
const LABEL_RIGHT = 370;
const BAR_LEFT = 380;
const BAR_MAX = 420;
const ROW = 20;
const BAR_HEIGHT = 14;
const TITLE_GAP = 26;
const CHART_GAP = 22;
const FONT = "font-family=\"-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\" font-size=\"12\"";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** mcpcraft's bars stand out; everything else is the comparison. */
const colour = (label: string) => (label.includes("mcpcraft") ? "#d9622b" : label.includes("ceiling") ? "#9aa5b1" : "#3d7ab8");

function chartSvg(chart: BarChart, top: number): { svg: string[]; height: number; right: number } {
  const finite = chart.bars.map((b) => b.value).filter((v) => Number.isFinite(v) && v > 0);
  const max = finite.length ? Math.max(...finite) : 1;
  const title = `${chart.title} — ${chart.unit}, ${chart.lowerIsBetter ? "lower" : "higher"} is better`;
  const svg = [`<text x="20" y="${top + 16}" font-weight="bold" font-size="14">${escape(title)}</text>`];
  let right = 20 + title.length * CHAR_WIDTH * 1.2;
  chart.bars.forEach((bar, i) => {
    const y = top + TITLE_GAP + i * ROW;
    const ok = Number.isFinite(bar.value) && bar.value > 0;
    const length = ok ? Math.max(1, (bar.value / max) * BAR_MAX) : 0;
    const text = ok ? (bar.text ?? fmt(bar.value)) : "–";
    svg.push(`<text x="${LABEL_RIGHT}" y="${y + 11}" text-anchor="end">${escape(bar.label)}</text>`);
    if (ok) svg.push(`<rect x="${BAR_LEFT}" y="${y}" width="${length.toFixed(1)}" height="${BAR_HEIGHT}" fill="${colour(bar.label)}"/>`);
    const value = `${text} ${chart.unit}`;
    // SVG collapses leading spaces, so the gap before the note is a dx.
    const note = bar.note ? `<tspan dx="10" fill="#6b7480">${escape(bar.note)}</tspan>` : "";
    svg.push(`<text x="${(BAR_LEFT + length + 6).toFixed(1)}" y="${y + 11}">${escape(value)}${note}</text>`);
    right = Math.max(right, BAR_LEFT + length + 16 + (value.length + (bar.note?.length ?? 0)) * CHAR_WIDTH);
  });
  return { svg, height: TITLE_GAP + chart.bars.length * ROW, right };
}

/**
 * The results as one self-contained SVG (no script, no external font or stylesheet), one bar chart under the
 * other. Bars are scaled per chart: compare lengths within a chart, never across charts.
 */
export function renderSvg(heading: string, subheading: string, charts: BarChart[]): string {
  const body: string[] = [
    `<text x="20" y="28" font-weight="bold" font-size="18">${escape(heading)}</text>`,
    `<text x="20" y="48" fill="#6b7480">${escape(subheading)}</text>`,
  ];
  let top = 70;
  let right = 20 + subheading.length * CHAR_WIDTH;
  for (const chart of charts.filter((c) => c.bars.length)) {
    const drawn = chartSvg(chart, top);
    body.push(...drawn.svg);
    top += drawn.height + CHART_GAP;
    right = Math.max(right, drawn.right);
  }
  const height = top + 10;
  const width = Math.ceil(Math.max(MIN_WIDTH, right + 20));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...body.map((line) => `  ${line}`),
    `</svg>`,
    "",
  ].join("\n");
}
