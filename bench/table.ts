/**
 * The one table of a run: a row per figure, grouped by section, and each performance
 * target with its goal, the figure measured and whether it was met.
 */
import type { Cell } from "./load";
import type { Measurements, MemoryReading } from "./measurements";
import { CONNECTION_LEVELS, PLAN, PROBE_CONNECTIONS, SIGN_IN_CONNECTIONS } from "./plan";
import type { Row } from "./report";

export interface TargetCheck {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

export interface Table {
  rows: Row[];
  targets: TargetCheck[];
}

const fmt = {
  us: (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} µs`,
  ratio: (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)}×`,
  int: (value: number) => Math.round(value).toLocaleString("en-US"),
  ms: (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`,
  mb: (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`,
  pct: (value: number) => `${Math.round(value * 100)} %`,
};

function cellValue(c: Cell): string {
  return `${fmt.int(c.requestsPerSecond)} req/s · p50 ${fmt.ms(c.p50Ms)} · p99 ${fmt.ms(c.p99Ms)}`;
}

function cellNotes(c: Cell): string[] {
  const notes: string[] = [];
  if (c.serverCpuUsPerRequest !== undefined && c.nextCpuUsPerRequest !== undefined) {
    notes.push(`server CPU ${fmt.us(c.serverCpuUsPerRequest)}/req (Next.js ${fmt.us(c.nextCpuUsPerRequest)})`);
  }
  if (c.non2xx || c.errors) notes.push(`${c.non2xx} non-2xx, ${c.errors} errors`);
  return notes;
}

function verifySection(verify: Measurements["verify"]): Table {
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  for (const result of verify) {
    const by = new Map(result.rows.map((row) => [row.id, row]));
    const floorNode = by.get("floor-node")!.usPerOp;
    const floorWeb = by.get("floor-webcrypto")!.usPerOp;
    for (const row of result.rows) {
      rows.push({
        section: `verify ${result.alg}`,
        measure: row.label,
        value: fmt.us(row.usPerOp),
        compared: `${fmt.ratio(row.usPerOp / floorNode)} floor (a) · ${fmt.ratio(row.usPerOp / floorWeb)} floor (b)`,
      });
    }
    if (result.alg === "HS256") {
      const ours = by.get("ours")!.usPerOp;
      const iron = by.get("iron-session")!.usPerOp;
      const authjs = by.get("authjs")!.usPerOp;
      const middlewareRatio = by.get("middleware")!.usPerOp / by.get("middleware-empty")!.usPerOp;
      rows.push({ section: "verify HS256", measure: "middleware() ÷ empty middleware (in-process)", value: fmt.ratio(middlewareRatio), compared: "the middleware function alone; server-side rows below" });
      targets.push(
        { name: "Edge token check (verifyAccessToken, HS256) within 2.5× of the WebCrypto floor", goal: "≤ 2.5×", measured: fmt.ratio(ours / floorWeb), met: ours / floorWeb <= 2.5 },
        {
          name: "Edge token check ≥ 4× faster than both anchors",
          goal: "≥ 4×",
          measured: `${fmt.ratio(iron / ours)} vs iron-session, ${fmt.ratio(authjs / ours)} vs Auth.js`,
          met: Math.min(iron, authjs) / ours >= 4,
        },
      );
    }
  }
  return { rows, targets };
}

function httpSection(http: Measurements["http"]): Table {
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  for (const connections of CONNECTION_LEVELS) {
    const { cells, ratios } = http[connections]!;
    for (const [key, c] of cells) {
      const extra = key === "me" ? [`me÷health ${fmt.pct(ratios.meOverHealth)}`] : key === "dashboard" ? [`dashboard÷home ${fmt.ratio(ratios.dashboardOverHome)}`] : [];
      rows.push({ section: `HTTP ${connections} conn`, measure: `GET ${c.label}${key === "me" || key === "dashboard" ? " (cookie)" : ""}`, value: cellValue(c), compared: [...extra, ...cellNotes(c)].join(" · ") });
    }
    targets.push({
      name: `/api/auth/me ≥ 35 % of /api/health throughput (${connections} connections)`,
      goal: "≥ 35 %",
      measured: fmt.pct(ratios.meOverHealth),
      met: ratios.meOverHealth >= 0.35,
    });
  }
  return { rows, targets };
}

function signInSection(signIns: Measurements["signIns"]): Table {
  const rows: Row[] = [];
  const targets: TargetCheck[] = [];
  for (const { cost, alone, storm } of signIns) {
    rows.push(
      { section: `sign-in cost ${cost}`, measure: `POST /api/auth/login, ${SIGN_IN_CONNECTIONS} connections`, value: `${alone.requestsPerSecond.toFixed(1)} logins/s · p50 ${fmt.ms(alone.p50Ms)} · p99 ${fmt.ms(alone.p99Ms)}`, compared: cellNotes(alone).join(" · ") },
      {
        section: `sign-in cost ${cost}`,
        measure: `GET /api/health (${PROBE_CONNECTIONS} conn) during the sign-in storm`,
        value: cellValue(storm.health),
        compared: `storm ran ${storm.login.requestsPerSecond.toFixed(1)} logins/s${storm.health.non2xx || storm.health.errors ? ` · ${storm.health.non2xx} non-2xx, ${storm.health.errors} errors` : ""}`,
      },
    );
    // No completed probe at all is the worst case, not a zero latency.
    const probed = storm.health.requests > 0;
    targets.push({
      name: `/api/health p99 during a sign-in storm < 50 ms (BCRYPT_COST=${cost})`,
      goal: "< 50 ms",
      measured: probed ? fmt.ms(storm.health.p99Ms) : `no probe answered in ${PLAN.signInSeconds} s`,
      met: probed && storm.health.p99Ms < 50,
    });
  }
  return { rows, targets };
}

function middlewareSection({ cells, cpuRatio }: Measurements["middleware"]): Table {
  const rows: Row[] = [];
  for (const [key, c] of cells) {
    const [which, route] = key.split("-") as [string, string];
    rows.push({
      section: "middleware",
      measure: `GET ${c.label}${route === "me" ? " (cookie)" : ""}, ${which === "ours" ? "our middleware" : "empty middleware (bench-only build)"}, 10 conn`,
      value: cellValue(c),
      compared: [...(which === "ours" ? [`Next.js CPU ÷ empty ${fmt.ratio(route === "me" ? cpuRatio.me : cpuRatio.health)}`] : []), ...cellNotes(c)].join(" · "),
    });
  }
  const targets: TargetCheck[] = [
    { name: "Next.js CPU per request, our middleware ÷ empty middleware, GET /api/auth/me (server-side)", goal: "≤ 1.5×", measured: fmt.ratio(cpuRatio.me), met: cpuRatio.me <= 1.5 },
    { name: "Next.js CPU per request, our middleware ÷ empty middleware, GET /api/health (server-side)", goal: "≤ 1.5×", measured: fmt.ratio(cpuRatio.health), met: cpuRatio.health <= 1.5 },
  ];
  return { rows, targets };
}

function databaseSection(database: Measurements["database"]): Table {
  if ("skipped" in database) {
    return { rows: [{ section: "database", measure: "GET /api/auth/me, embedded vs PostgreSQL server", value: database.skipped, compared: "" }], targets: [] };
  }
  const rows: Row[] = [
    { section: "database", measure: "GET /api/auth/me, embedded PostgreSQL, 10 conn", value: cellValue(database.embedded), compared: cellNotes(database.embedded).join(" · ") },
    {
      section: "database",
      measure: `GET /api/auth/me, ${database.version.replace(/^postgres \(PostgreSQL\) /, "PostgreSQL ")} server, 10 conn`,
      value: cellValue(database.postgres),
      compared: [`PostgreSQL÷embedded ${fmt.ratio(database.postgresOverEmbedded)}`, ...cellNotes(database.postgres)].join(" · "),
    },
  ];
  return { rows, targets: [] };
}

function memorySection(memory: MemoryReading[]): Table {
  const rows = memory.map(({ when, footprint: fp }) => ({
    section: "memory",
    measure: `RSS, ${when}`,
    value: `${fmt.mb(fp.next.rssBytes)} server group`,
    compared: `launcher${when.startsWith("embedded") ? " + embedded DB" : ""}: ${fmt.mb(fp.launcher.rssBytes)}`,
  }));
  return { rows, targets: [] };
}

/** Every figure as a row, section by section, then one row per target. */
export function tabulate(measured: Measurements): Table {
  const sections = [
    verifySection(measured.verify),
    httpSection(measured.http),
    signInSection(measured.signIns),
    middlewareSection(measured.middleware),
    databaseSection(measured.database),
    memorySection(measured.memory),
  ];
  const targets = sections.flatMap((section) => section.targets);
  const rows = [
    ...sections.flatMap((section) => section.rows),
    ...targets.map((target) => ({ section: "target", measure: target.name, value: target.measured, compared: `${target.met ? "met" : "MISSED"} (goal ${target.goal})` })),
  ];
  return { rows, targets };
}
