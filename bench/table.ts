/**
 * The one table of a run: a row per figure, grouped by section; a figure with a goal
 * (bench/goals.ts) shows the goal beside it and whether it was met. The goals are also
 * collected as a list, for the summary at the top of RESULTS.md and for bench/out/results.json.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { PROJECT_ROOT } from "@/tools/app-server";
import { atLeast, atMost, below, GOALS, VERCEL_EDGE_LIMITS_GZIP_BYTES, type GoalCheck } from "./goals";
import type { Cell } from "./load";
import type { Measurements, MemoryReading } from "./measurements";
import { CONNECTION_LEVELS, PLAN, PROBE_CONNECTIONS, SIGN_IN_CONNECTIONS } from "./plan";

export interface Row {
  section: string;
  measure: string;
  value: string;
  compared: string;
  /** The figure's goal (bench/goals.ts), if it has one, and whether this run met it. */
  goal?: string;
  met?: boolean;
}

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
  /** Decimal kilobytes, as Vercel's builder reports sizes. */
  kb: (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`,
  pct: (value: number) => `${Math.round(value * 100)} %`,
  s: (seconds: number) => `${seconds.toFixed(1)} s`,
};

/** A section's rows and the goals judged in it. */
class Section {
  readonly rows: Row[] = [];
  readonly targets: TargetCheck[] = [];
  constructor(private readonly name: string) {}

  row(measure: string, value: string, compared = ""): this {
    this.rows.push({ section: this.name, measure, value, compared });
    return this;
  }

  /** A row whose figure has a goal: the goal and met/MISSED go beside it, and into the list of goals. */
  goal(measure: string, value: string, compared: string, check: GoalCheck, target: { name: string; measured: string }): this {
    this.rows.push({ section: this.name, measure, value, compared, goal: check.goal, met: check.met });
    this.targets.push({ name: target.name, goal: check.goal, measured: target.measured, met: check.met });
    return this;
  }
}

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

function edgeBundleSection({ rawBytes, gzipBytes, files }: Measurements["edgeBundle"]): Section {
  const section = new Section("edge bundle");
  const limits = Object.entries(VERCEL_EDGE_LIMITS_GZIP_BYTES).map(([plan, limit]) => `${plan} ${fmt.mb(limit)} (${fmt.pct(gzipBytes / limit)} of it)`);
  section.goal(
    `middleware as an Edge function (${files.length} files), raw / gzipped`,
    `${fmt.kb(rawBytes)} / ${fmt.kb(gzipBytes)} gzipped`,
    `Vercel's gzipped limits: ${limits.join(", ")}`,
    atMost(gzipBytes, GOALS.edgeBundleGzipBytes, `${GOALS.edgeBundleGzipBytes / 1000} KB gzipped`),
    { name: "Middleware bundle, gzipped", measured: fmt.kb(gzipBytes) },
  );
  section.goal("the same, against Vercel's smallest (Hobby) limit", fmt.kb(gzipBytes), "", atMost(gzipBytes, VERCEL_EDGE_LIMITS_GZIP_BYTES.Hobby, "1 MB gzipped"), {
    name: "Middleware bundle within Vercel's Hobby Edge limit",
    measured: fmt.kb(gzipBytes),
  });
  return section;
}

function verifySection(verify: Measurements["verify"]): Section {
  const section = new Section("verify");
  for (const result of verify) {
    const name = `verify ${result.alg}`;
    const rows = new Section(name);
    const by = new Map(result.rows.map((row) => [row.id, row]));
    const floorNode = by.get("floor-node")!.usPerOp;
    const floorWeb = by.get("floor-webcrypto")!.usPerOp;
    const ours = by.get("ours")!.usPerOp;
    for (const row of result.rows) {
      const compared = `${fmt.ratio(row.usPerOp / floorNode)} floor (a) · ${fmt.ratio(row.usPerOp / floorWeb)} floor (b)`;
      const hs = result.alg === "HS256";
      if (hs && row.id === "cache-hit") {
        rows.goal(row.label, fmt.us(row.usPerOp), compared, atMost(row.usPerOp / floorNode, GOALS.cacheHitOverHmacFloor, `${GOALS.cacheHitOverHmacFloor}× floor (a)`), {
          name: "Token cache hit ÷ sync HMAC floor (a), HS256",
          measured: fmt.ratio(row.usPerOp / floorNode),
        });
      } else if (hs && row.id === "cache-miss") {
        rows.goal(row.label, fmt.us(row.usPerOp), `${fmt.ratio(row.usPerOp / ours)} plain verifyAccessToken · ${compared}`, atMost(row.usPerOp / ours, GOALS.cacheMissOverVerify, `${GOALS.cacheMissOverVerify}× plain verify`), {
          name: "Token cache miss ÷ plain verifyAccessToken, HS256",
          measured: fmt.ratio(row.usPerOp / ours),
        });
      } else if (hs && row.id === "ours") {
        rows.goal(row.label, fmt.us(row.usPerOp), compared, atMost(ours / floorWeb, GOALS.verifyOverWebCryptoFloor, `${GOALS.verifyOverWebCryptoFloor}× floor (b)`), {
          name: "verifyAccessToken ÷ WebCrypto floor (b), HS256",
          measured: fmt.ratio(ours / floorWeb),
        });
      } else {
        rows.row(row.label, fmt.us(row.usPerOp), row.id === "cache-miss" ? `${fmt.ratio(row.usPerOp / ours)} plain verifyAccessToken · ${compared}` : compared);
      }
    }
    if (result.alg === "HS256") {
      const iron = by.get("iron-session")!.usPerOp;
      const authjs = by.get("authjs")!.usPerOp;
      const anchors = Math.min(iron, authjs) / ours;
      rows.goal("anchors ÷ verifyAccessToken (the slower of the two is not counted)", fmt.ratio(anchors), `${fmt.ratio(iron / ours)} iron-session, ${fmt.ratio(authjs / ours)} Auth.js`, atLeast(anchors, GOALS.anchorsOverVerify, `${GOALS.anchorsOverVerify}×`), {
        name: "iron-session and Auth.js ÷ verifyAccessToken, HS256",
        measured: fmt.ratio(anchors),
      });
      rows.row("middleware() ÷ empty middleware (in-process)", fmt.ratio(by.get("middleware")!.usPerOp / by.get("middleware-empty")!.usPerOp), "the middleware function alone; server-side rows below");
    }
    section.rows.push(...rows.rows);
    section.targets.push(...rows.targets);
  }
  return section;
}

const beforeSchema = z.object({ startedAt: z.string(), meRequestsPerSecond: z.record(z.string(), z.number()) });

/** The earlier recorded /api/auth/me throughput (bench/before.json), if kept. */
function before(): z.infer<typeof beforeSchema> | undefined {
  try {
    return beforeSchema.parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, "bench", "before.json"), "utf8")));
  } catch {
    return undefined;
  }
}

function httpSection(http: Measurements["http"]): Section[] {
  const earlier = before();
  return CONNECTION_LEVELS.map((connections) => {
    const section = new Section(`HTTP ${connections} conn`);
    const { cells, ratios } = http[connections]!;
    for (const [key, c] of cells) {
      const measure = `GET ${c.label}${key === "me" || key === "dashboard" ? " (cookie)" : ""}`;
      if (key === "me") {
        const then = earlier?.meRequestsPerSecond[String(connections)];
        const vsBefore = then ? [`now vs before: ${fmt.int(c.requestsPerSecond)} vs ${fmt.int(then)} req/s (${fmt.ratio(c.requestsPerSecond / then)}, run of ${earlier!.startedAt.slice(0, 10)})`] : [];
        section.goal(measure, cellValue(c), [`me÷health ${fmt.pct(ratios.meOverHealth)}`, ...vsBefore, ...cellNotes(c)].join(" · "), atLeast(ratios.meOverHealth, GOALS.meOverHealth, `${fmt.pct(GOALS.meOverHealth)} of /api/health`), {
          name: `/api/auth/me ÷ /api/health throughput (${connections} connections)`,
          measured: fmt.pct(ratios.meOverHealth),
        });
      } else if (key === "dashboard") {
        section.goal(measure, cellValue(c), [`dashboard÷home ${fmt.ratio(ratios.dashboardOverHome)}`, ...cellNotes(c)].join(" · "), atLeast(ratios.dashboardOverHome, GOALS.dashboardOverHome, `${GOALS.dashboardOverHome}× /`), {
          name: `/dashboard ÷ / throughput (${connections} connections)`,
          measured: fmt.ratio(ratios.dashboardOverHome),
        });
      } else {
        section.row(measure, cellValue(c), cellNotes(c).join(" · "));
      }
    }
    return section;
  });
}

function referenceSection(reference: Measurements["reference"]): Section {
  const section = new Section("vs reference route");
  for (const run of reference) {
    const cacheOn = run.sessionCache === "default";
    const setting = cacheOn ? "session cache on (default)" : "SESSION_CACHE=off";
    for (const [key, c] of run.cells) {
      section.row(`GET ${c.label}${key === "health" ? "" : " (cookie)"}, ${setting}, 10 conn`, cellValue(c), cellNotes(c).join(" · "));
    }
    const me = run.cells.get("me")!;
    const ref = run.cells.get("reference")!;
    const cpu = me.serverCpuUsPerRequest !== undefined && ref.serverCpuUsPerRequest !== undefined ? `server CPU/req ${fmt.us(me.serverCpuUsPerRequest)} vs ${fmt.us(ref.serverCpuUsPerRequest)} (${fmt.ratio(me.serverCpuUsPerRequest / ref.serverCpuUsPerRequest)})` : "";
    const goal = cacheOn ? GOALS.meOverReferenceWithCache : GOALS.meOverReferenceNoCache;
    section.goal(`/api/auth/me ÷ reference, req/s, ${setting}`, fmt.ratio(run.meOverReference), cpu, atLeast(run.meOverReference, goal, `${goal}×`), {
      name: `/api/auth/me ÷ reference signed-in route, ${setting}`,
      measured: fmt.ratio(run.meOverReference),
    });
    section.goal(`/api/auth/me ÷ /api/health, req/s, ${setting}`, fmt.pct(run.meOverHealth), "same server process", atLeast(run.meOverHealth, GOALS.meOverHealth, fmt.pct(GOALS.meOverHealth)), {
      name: `/api/auth/me ÷ /api/health on the bench copy, ${setting}`,
      measured: fmt.pct(run.meOverHealth),
    });
  }
  return section;
}

function signInSection(signIns: Measurements["signIns"]): Section[] {
  return signIns.map(({ cost, alone, storm }) => {
    const section = new Section(`sign-in cost ${cost}`);
    section.row(`POST /api/auth/login, ${SIGN_IN_CONNECTIONS} connections`, `${alone.requestsPerSecond.toFixed(1)} logins/s · p50 ${fmt.ms(alone.p50Ms)} · p99 ${fmt.ms(alone.p99Ms)}`, cellNotes(alone).join(" · "));
    // No completed probe at all is the worst case, not a zero latency.
    const probed = storm.health.requests > 0;
    const measured = probed ? fmt.ms(storm.health.p99Ms) : `no probe answered in ${PLAN.signInSeconds} s`;
    section.goal(
      `GET /api/health (${PROBE_CONNECTIONS} conn) during the sign-in storm`,
      cellValue(storm.health),
      `storm ran ${storm.login.requestsPerSecond.toFixed(1)} logins/s${storm.health.non2xx || storm.health.errors ? ` · ${storm.health.non2xx} non-2xx, ${storm.health.errors} errors` : ""}`,
      probed ? below(storm.health.p99Ms, GOALS.healthP99DuringSignInsMs, `${GOALS.healthP99DuringSignInsMs} ms p99`) : { goal: `< ${GOALS.healthP99DuringSignInsMs} ms p99`, met: false },
      { name: `/api/health p99 during a sign-in storm (BCRYPT_COST=${cost})`, measured },
    );
    return section;
  });
}

function middlewareSection({ cells, cpuRatio }: Measurements["middleware"]): Section {
  const section = new Section("middleware");
  for (const [key, c] of cells) {
    const [which, route] = key.split("-") as ["ours" | "empty", "dashboard" | "home"];
    const measure = `GET ${c.label}${route === "dashboard" ? " (cookie)" : ""}, ${which === "ours" ? "our middleware" : "empty middleware (bench copy)"}, 10 conn`;
    if (which === "ours") {
      const ratio = cpuRatio[route];
      section.goal(measure, cellValue(c), [`Next.js CPU ÷ empty ${fmt.ratio(ratio)}`, ...cellNotes(c)].join(" · "), atMost(ratio, GOALS.middlewareCpu, `${GOALS.middlewareCpu}× CPU`), {
        name: `Next.js CPU per request, our middleware ÷ empty middleware, GET ${c.label}`,
        measured: fmt.ratio(ratio),
      });
    } else {
      section.row(measure, cellValue(c), cellNotes(c).join(" · "));
    }
  }
  return section;
}

function databaseSection(database: Measurements["database"]): Section {
  const section = new Section("database");
  if ("skipped" in database) return section.row("GET /api/auth/me, embedded vs PostgreSQL server", database.skipped);
  return section
    .row("GET /api/auth/me, embedded PostgreSQL, 10 conn", cellValue(database.embedded), cellNotes(database.embedded).join(" · "))
    .row(
      `GET /api/auth/me, ${database.version.replace(/^postgres \(PostgreSQL\) /, "PostgreSQL ")} server, 10 conn`,
      cellValue(database.postgres),
      [`PostgreSQL÷embedded ${fmt.ratio(database.postgresOverEmbedded)}`, ...cellNotes(database.postgres)].join(" · "),
    );
}

/** PSS where every process's could be read, else RSS, with which one it is. */
function memoryOf(group: { rssBytes: number; pssBytes?: number }): { bytes: number; kind: "PSS" | "RSS" } {
  return group.pssBytes === undefined ? { bytes: group.rssBytes, kind: "RSS" } : { bytes: group.pssBytes, kind: "PSS" };
}

function memorySection(memory: MemoryReading[]): Section {
  const section = new Section("memory");
  for (const { when, footprint: fp } of memory) {
    const server = memoryOf(fp.next);
    const launcher = memoryOf(fp.launcher);
    const embedded = when.startsWith("embedded");
    const measure = `${when}: server ${server.kind} ${fmt.mb(server.bytes)} (RSS ${fmt.mb(fp.next.rssBytes)}); launcher${embedded ? " + embedded DB" : ""}`;
    const value = `${launcher.kind} ${fmt.mb(launcher.bytes)}`;
    const compared = `RSS ${fmt.mb(fp.launcher.rssBytes)}, ${fp.launcher.processes} processes`;
    if (embedded) {
      section.goal(measure, value, compared, atMost(launcher.bytes, GOALS.launcherMemoryBytes, fmt.mb(GOALS.launcherMemoryBytes)), { name: `Launcher + embedded PostgreSQL memory (${launcher.kind}), ${when}`, measured: fmt.mb(launcher.bytes) });
    } else {
      section.row(measure, value, compared);
    }
  }
  return section;
}

function freshCloneSection(fresh: Measurements["freshClone"]): Section {
  const section = new Section("fresh clone");
  if ("skipped" in fresh) return section.row("git clone, npm ci, npm run dev until / answers 200", fresh.skipped);
  return section
    .row("git clone (local repository)", fmt.s(fresh.cloneSeconds))
    .row("npm ci --prefer-offline (warm npm cache)", fmt.s(fresh.npmCiSeconds))
    .row("npm run dev until / answers 200 (embedded database, migrations, first compile)", fmt.s(fresh.devFirst200Seconds))
    .row("in all", fmt.s(fresh.totalSeconds));
}

function npmTestSection(fresh: Measurements["freshClone"]): Section {
  const section = new Section("npm test");
  const run = "skipped" in fresh ? fresh : fresh.npmTest;
  if ("skipped" in run) return section.row("npm test in a fresh clone", run.skipped);
  const seconds = fmt.s(run.seconds);
  section.goal("npm test in a fresh clone, every suite", run.passed ? seconds : `${seconds} (FAILED)`, "", atMost(run.passed ? run.seconds : Infinity, GOALS.npmTestSeconds, fmt.s(GOALS.npmTestSeconds)), {
    name: "npm test in a fresh clone (warm npm cache)",
    measured: seconds,
  });
  for (const stage of run.stages) section.row(`stage: ${stage.name}`, fmt.s(stage.seconds), stage.passed ? "" : "FAILED");
  return section;
}

/** Every figure as a row, section by section; the goals judged along the way. */
export function tabulate(measured: Measurements): Table {
  const sections = [
    edgeBundleSection(measured.edgeBundle),
    verifySection(measured.verify),
    ...httpSection(measured.http),
    referenceSection(measured.reference),
    middlewareSection(measured.middleware),
    ...signInSection(measured.signIns),
    databaseSection(measured.database),
    memorySection(measured.memory),
    freshCloneSection(measured.freshClone),
    npmTestSection(measured.freshClone),
  ];
  return { rows: sections.flatMap((section) => section.rows), targets: sections.flatMap((section) => section.targets) };
}

/** The request matrix and the reference comparison alone (`--requests-only`). */
export function tabulateRequests(measured: Pick<Measurements, "http" | "reference">): Table {
  const sections = [...httpSection(measured.http), referenceSection(measured.reference)];
  return { rows: sections.flatMap((section) => section.rows), targets: sections.flatMap((section) => section.targets) };
}
