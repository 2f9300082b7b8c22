/**
 * Writes one run's report: the one table (console and Markdown), the results JSON and
 * a dependency-free SVG bar chart, as bench/RESULTS.md, bench/out/results.json and
 * bench/chart.svg.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "@/tools/app-server";
import type { Machine, Measurements } from "./measurements";
import { CONNECTION_LEVELS, log, PLAN, quick, SIGN_IN_CONNECTIONS } from "./plan";
import { GOALS } from "./goals";
import type { Row, Table } from "./table";

const COLUMNS = ["section", "measure", "value", "goal", "met", "compared"] as const;

/** A row's text per column: met/MISSED only where there is a goal. */
function columns(row: Row): Record<(typeof COLUMNS)[number], string> {
  return { section: row.section, measure: row.measure, value: row.value, goal: row.goal ?? "", met: row.met === undefined ? "" : row.met ? "met" : "MISSED", compared: row.compared };
}

export function textTable(rows: Row[]): string {
  const header = Object.fromEntries(COLUMNS.map((name) => [name, name])) as Record<(typeof COLUMNS)[number], string>;
  const all = [header, ...rows.map(columns)];
  const widths = COLUMNS.map((name) => Math.max(...all.map((row) => [...row[name]].length)));
  const pad = (text: string, size: number) => text + " ".repeat(Math.max(0, size - [...text].length));
  const line = (row: Record<(typeof COLUMNS)[number], string>) => COLUMNS.map((name, i) => (i === COLUMNS.length - 1 ? row[name] : pad(row[name], widths[i]!))).join(" │ ");
  const rule = widths.map((size) => "─".repeat(size)).join("─┼─");
  return [line(header), rule, ...all.slice(1).map(line)].join("\n");
}

export function markdownTable(rows: Row[]): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  return [
    `| ${COLUMNS.join(" | ")} |`,
    "|---|---|---:|---|---|---|",
    ...rows.map(columns).map((row) => `| ${COLUMNS.map((name) => cell(name === "met" && row.met === "MISSED" ? "**MISSED**" : row[name])).join(" | ")} |`),
  ].join("\n");
}

/** The goals alone, one line each: what RESULTS.md and the console end with. */
function goalsTable(table: Table, markdown: boolean): string {
  const rows = table.targets.map((target) => ({ section: "goal", measure: target.name, value: target.measured, compared: "", goal: target.goal, met: target.met }));
  if (!markdown) return textTable(rows);
  const cell = (text: string) => text.replaceAll("|", "\\|");
  return ["| goal | measured | target | met |", "|---|---:|---|---|", ...table.targets.map((t) => `| ${cell(t.name)} | ${cell(t.measured)} | ${cell(t.goal)} | ${t.met ? "met" : "**MISSED**"} |`)].join("\n");
}

/** The console's view of a run: every figure, then the goals and how many were met. */
export function consoleReport(table: Table): string {
  const met = table.targets.filter((target) => target.met).length;
  return `${textTable(table.rows)}\n\n${goalsTable(table, false)}\n\n${met} of ${table.targets.length} goals met.`;
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
  "cache-hit": "token cache hit (ours)",
  "cache-miss": "token cache miss (ours)",
  "iron-session": "iron-session unsealData",
  authjs: "Auth.js jwt decode",
};

/** The chart's panels: HS256 token checks, requests per second at each connection level, sign-ins per second. */
function chartPanels(measured: Measurements): Panel[] {
  const hs = measured.verify.find((result) => result.alg === "HS256")!;
  return [
    { title: "HS256 session token check, µs per verification (lower is better)", unit: "µs", bars: hs.rows.map((row) => ({ label: CHART_LABELS[row.id] ?? row.id, value: row.usPerOp, ours: ["ours", "middleware", "cache-hit", "cache-miss"].includes(row.id) })) },
    ...CONNECTION_LEVELS.map((connections) => ({
      title: `Requests per second at ${connections} connections (higher is better)`,
      unit: "req/s",
      bars: [...measured.http[connections]!.cells.entries()].map(([key, c]) => ({ label: `GET ${c.label}`, value: c.requestsPerSecond, ours: key === "me" || key === "dashboard" })),
    })),
    { title: `Sign-ins per second, ${SIGN_IN_CONNECTIONS} connections`, unit: "/s", bars: measured.signIns.map(({ cost, alone }) => ({ label: `BCRYPT_COST=${cost}`, value: alone.requestsPerSecond, ours: true })) },
  ];
}

/**
 * Writes bench/RESULTS.md and bench/chart.svg (committed: the README's figures come
 * from them) and the raw numbers to bench/out/results.json (not committed).
 */
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
    goals: GOALS,
    edgeBundle: measured.edgeBundle,
    verify: measured.verify,
    http: Object.fromEntries(CONNECTION_LEVELS.map((connections) => [connections, { cells: Object.fromEntries(measured.http[connections]!.cells), ratios: measured.http[connections]!.ratios }])),
    middleware: { cells: Object.fromEntries(measured.middleware.cells), cpuRatio: measured.middleware.cpuRatio },
    reference: measured.reference.map((run) => ({ ...run, cells: Object.fromEntries(run.cells) })),
    signIns: measured.signIns,
    database: measured.database,
    memory: measured.memory,
    freshClone: measured.freshClone,
    targets: table.targets,
    table: table.rows,
  };
  mkdirSync(path.join(benchDir, "out"), { recursive: true });
  writeFileSync(path.join(benchDir, "out", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(benchDir, "RESULTS.md"), resultsMarkdown(table, run.machine, run.startedAt, run.seconds));
  log("Wrote bench/RESULTS.md, bench/chart.svg and bench/out/results.json.");
}

function resultsMarkdown(table: Table, machine: Machine, startedAt: Date, seconds: number): string {
  const met = table.targets.filter((target) => target.met).length;
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.ts) on ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC: Node ${machine.node},
${machine.cpus} CPUs (${machine.cpuModel}), load average ${machine.loadAverageAtStart.map((n) => n.toFixed(2)).join(" ")} at the start,
${Math.round(seconds)} s in all. Every figure below comes from this one run; the raw numbers are
written to \`bench/out/results.json\`, which is not committed.${quick ? "\n\n**This was a `--quick` run: the cells are too short for the numbers to mean much.**" : ""}

## Goals: ${met} of ${table.targets.length} met

${goalsTable(table, true)}

The goals are in [goals.ts](goals.ts). "Session cache on (default)" rows run with
\`SESSION_CACHE\` unset (the session cache answers most session checks from memory),
the others with \`SESSION_CACHE=off\` (every session check is a query).

![Token verification cost, requests per second and sign-ins per second](chart.svg)

## Every figure

${markdownTable(table.rows)}

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
- **edge bundle**: the files \`.next/server/middleware-manifest.json\` lists for the
  middleware, summed (raw), and joined and gzipped as one buffer the way Vercel's
  builder does before it checks its Edge function size limit (gzipped).
- **vs reference route**: the bench copy (its middleware does nothing, which API
  routes never pass through anyway) adds \`/api/bench-reference\`, a route that does
  what a typical Next.js starter's signed-in route does: one jose \`jwtVerify\` of the
  session cookie or Bearer token and one user-by-id query. \`/api/auth/me\`, the
  reference and \`/api/health\` are loaded in interleaved rounds on that one server
  process (${PLAN.httpRounds} rounds × ${PLAN.httpSeconds} s, 10 connections), once with the default
  settings and once restarted with \`SESSION_CACHE=off\`. The reference route ships
  only in the bench copy, never in the app.
- **token cache**: a hit is \`VerifiedTokenCache.verify\` on a token it already
  holds (SHA-256 of the token, a map lookup, the clock check); a miss is the same
  call on an empty cache (hash, full \`verifyAccessToken\`, store).
- **memory**: each process group just before it is stopped: proportional set size
  (PSS, /proc/<pid>/smaps_rollup: shared pages divided among the processes that share
  them) summed over the group where readable, else resident set size (RSS).
- **fresh clone**: \`git clone\` of this repository's current branch into a temporary
  directory, \`npm ci --prefer-offline\` with the npm cache this machine already has,
  then \`npm run dev\` until \`/\` answers 200 (the launcher starts the embedded
  database, applies migrations and seeds it; Next.js compiles the page on first
  request). Each step is bounded in time; the dev server is stopped and the directory
  deleted afterwards. \`--no-fresh-clone\` skips it.
`;
}
