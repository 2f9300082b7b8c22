/**
 * Turns one run's measurements into the one table (console and Markdown), the
 * results JSON and a dependency-free SVG bar chart.
 */
export interface Row {
  section: string;
  measure: string;
  value: string;
  compared: string;
}

export function textTable(rows: Row[]): string {
  const header: Row = { section: "section", measure: "measure", value: "value", compared: "compared" };
  const all = [header, ...rows];
  const width = (key: keyof Row) => Math.max(...all.map((row) => [...row[key]].length));
  const widths = { section: width("section"), measure: width("measure"), value: width("value"), compared: width("compared") };
  const pad = (text: string, size: number) => text + " ".repeat(Math.max(0, size - [...text].length));
  const line = (row: Row) => `${pad(row.section, widths.section)} │ ${pad(row.measure, widths.measure)} │ ${pad(row.value, widths.value)} │ ${row.compared}`;
  const rule = `${"─".repeat(widths.section)}─┼─${"─".repeat(widths.measure)}─┼─${"─".repeat(widths.value)}─┼─${"─".repeat(widths.compared)}`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

export function markdownTable(rows: Row[]): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  return [
    "| section | measure | value | compared |",
    "|---|---|---:|---|",
    ...rows.map((row) => `| ${cell(row.section)} | ${cell(row.measure)} | ${cell(row.value)} | ${cell(row.compared)} |`),
  ].join("\n");
}

export interface Bar {
  label: string;
  value: number;
  /** Highlighted bars are ours; the others are references. */
  ours?: boolean;
}

export interface Panel {
  title: string;
  unit: string;
  bars: Bar[];
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

function formatNumber(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(1);
}

/** Horizontal bar charts stacked vertically, one per panel, each on its own linear scale. */
export function svgChart(title: string, panels: Panel[]): string {
  const width = 760;
  const labelWidth = 250;
  const barArea = width - labelWidth - 110;
  const barHeight = 18;
  const gap = 6;
  const parts: string[] = [];
  let y = 34;
  parts.push(`<text x="16" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  for (const panel of panels) {
    y += 16;
    parts.push(`<text x="16" y="${y}" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`);
    y += 10;
    const max = Math.max(...panel.bars.map((bar) => bar.value), 1e-9);
    for (const bar of panel.bars) {
      const length = Math.max(1, (bar.value / max) * barArea);
      const fill = bar.ours ? "#2f6fdf" : "#9aa4b2";
      parts.push(
        `<text x="${labelWidth - 8}" y="${y + barHeight - 5}" font-size="12" text-anchor="end">${escapeXml(bar.label)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" fill="${fill}" rx="2"/>`,
        `<text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + barHeight - 5}" font-size="12">${escapeXml(`${formatNumber(bar.value)} ${panel.unit}`)}</text>`,
      );
      y += barHeight + gap;
    }
    y += 8;
  }
  const height = y + 8;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" fill="#1f2328">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
