/**
 * Writes one run's report: the one table (console and Markdown), the results JSON and
 * a dependency-free SVG bar chart, as bench/RESULTS.md, bench/results.json and
 * bench/chart.svg.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../tests/support/app-server";
import type { Machine, Measurements } from "./measurements";
import { CONNECTION_LEVELS, log, PLAN, quick, SIGN_IN_CONNECTIONS } from "./plan";
import type { Table } from "./table";

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

/** When and where the run happened, and how long it and its builds took. */
export interface RunInfo {
  startedAt: Date;
  finishedAt: Date;
  seconds: number;
  buildSeconds: number;
  emptyBuildSeconds: number;
  machine: Machine;
}

const CHART_LABELS: Record<string, string> = {
  "floor-node": "floor (a) node:crypto",
  "floor-webcrypto": "floor (b) WebCrypto",
  jose: "jose.jwtVerify",
  ours: "verifyAccessToken (ours)",
  middleware: "middleware() (ours)",
  "middleware-empty": "empty middleware",
  "iron-session": "iron-session unsealData",
  authjs: "Auth.js jwt decode",
};

/** The chart's panels: HS256 token checks, requests per second at each connection level, sign-ins per second. */
function chartPanels(measured: Measurements): Panel[] {
  const hs = measured.verify.find((result) => result.alg === "HS256")!;
  return [
    { title: "HS256 session token check, µs per verification (lower is better)", unit: "µs", bars: hs.rows.map((row) => ({ label: CHART_LABELS[row.id] ?? row.id, value: row.usPerOp, ours: row.id === "ours" || row.id === "middleware" })) },
    ...CONNECTION_LEVELS.map((connections) => ({
      title: `Requests per second at ${connections} connections (higher is better)`,
      unit: "req/s",
      bars: [...measured.http[connections]!.cells.entries()].map(([key, c]) => ({ label: `GET ${c.label}`, value: c.requestsPerSecond, ours: key === "me" || key === "dashboard" })),
    })),
    { title: `Sign-ins per second, ${SIGN_IN_CONNECTIONS} connections`, unit: "/s", bars: measured.signIns.map(({ cost, alone }) => ({ label: `BCRYPT_COST=${cost}`, value: alone.requestsPerSecond, ours: true })) },
  ];
}

/** Writes bench/chart.svg, bench/results.json and bench/RESULTS.md: every figure of this one run. */
export function writeReport(run: RunInfo, measured: Measurements, table: Table): void {
  const benchDir = path.join(PROJECT_ROOT, "bench");
  writeFileSync(path.join(benchDir, "chart.svg"), svgChart(`Tessera benchmark, ${run.startedAt.toISOString().slice(0, 10)}`, chartPanels(measured)));
  const results = {
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    seconds: run.seconds,
    buildSeconds: run.buildSeconds,
    emptyBuildSeconds: run.emptyBuildSeconds,
    quick,
    machine: run.machine,
    plan: PLAN,
    verify: measured.verify,
    http: Object.fromEntries(CONNECTION_LEVELS.map((connections) => [connections, { cells: Object.fromEntries(measured.http[connections]!.cells), ratios: measured.http[connections]!.ratios }])),
    signIns: measured.signIns,
    database: measured.database,
    memory: measured.memory,
    targets: table.targets,
    table: table.rows,
  };
  writeFileSync(path.join(benchDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(benchDir, "RESULTS.md"), resultsMarkdown(table.rows, run.machine, run.startedAt, run.seconds));
  log("Wrote bench/results.json, bench/RESULTS.md and bench/chart.svg.");
}

function resultsMarkdown(rows: Row[], machine: Machine, startedAt: Date, seconds: number): string {
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.ts) on ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC: Node ${machine.node},
${machine.cpus} CPUs (${machine.cpuModel}), load average ${machine.loadAverageAtStart.map((n) => n.toFixed(2)).join(" ")} at the start,
${Math.round(seconds)} s in all. Every figure below comes from this one run; the raw numbers are in
[results.json](results.json).${quick ? "\n\n**This was a `--quick` run: the cells are too short for the numbers to mean much.**" : ""}

![Token verification cost, requests per second and sign-ins per second](chart.svg)

${markdownTable(rows)}

## How it measures

- **verify**: one process per algorithm verifies the same access token (signed by
  \`signAccessToken\` with keys generated in-process) in interleaved rounds of about
  ${PLAN.verifyRoundMs} ms per candidate, ${PLAN.verifyRounds} rounds; the table shows each candidate's fastest
  round (other load on the machine only adds time), results.json also has the medians. Floor (a) is a synchronous
  \`node:crypto\` signature check plus \`JSON.parse\` of the payload; floor (b) is
  \`crypto.subtle.verify\` on a pre-imported key plus the same parse. The middleware rows
  call \`middleware.ts\`'s function on a fresh \`NextRequest\` in Node.js, not inside
  Next.js's Edge sandbox. The anchors (HS256 only, they have no public-key mode) verify
  their own session format with a 32-byte secret.
- **HTTP**: autocannon on 127.0.0.1 against \`npm start\` (production build, embedded
  database, HS256, BCRYPT_COST=10), routes in interleaved rounds of ${PLAN.httpSeconds} s, ${PLAN.httpRounds} rounds per route;
  requests/s over all rounds, p50/p99 of the median round, ratios the median of the
  per-round ratios. Client and server share the machine's ${machine.cpus} cores. "server CPU"
  is the user + system time of the server's processes (Next.js, the launcher and the
  embedded PostgreSQL it started) divided by the requests served.
- **sign-in**: \`POST /api/auth/login\` with a user registered on that server (so its hash
  has that server's cost), ${SIGN_IN_CONNECTIONS} connections for ${PLAN.signInSeconds} s; then the same load again with one
  connection probing \`/api/health\`. Cost 12 is a restart of the same data with
  BCRYPT_COST=12.
- **middleware**: a copy of the project whose \`middleware.ts\` only returns
  \`NextResponse.next()\` (same matcher) is built and served beside the real one; the
  same routes are loaded in interleaved rounds and the Next.js process group's CPU time
  per request is compared (the embedded database's share is left out: it is the same
  work in both).
- **database**: the same route on the cost-12 embedded server and on a second server
  using a throwaway PostgreSQL cluster, interleaved.
- **memory**: resident set size of each process group just before it is stopped.
`;
}
