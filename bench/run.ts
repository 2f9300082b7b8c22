/**
 * `npm run bench`: builds once, then measures token verification in-process and the
 * running app over loopback HTTP, and writes every figure of this one run to
 * bench/results.json, bench/RESULTS.md and bench/chart.svg.
 *
 *   npm run bench [-- --quick] [-- --no-build]
 *
 * `--quick` shortens every cell (for checking the script, not for numbers);
 * `--no-build` reuses an existing .next build.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { cell, expectOk, registerUser, signIn, together, type Cell, type Target } from "./load";
import { markdownTable, svgChart, textTable, type Panel, type Row } from "./report";
import { AppServer, PROJECT_ROOT as ROOT, temporaryDir, type AppFootprint, type AppOptions } from "../tests/support/app-server";
import { postgresBinDir, PostgresServer } from "../tests/support/postgres-server";
import { emptyMiddlewareTree } from "./empty-middleware";
import type { VerifyResult } from "./verify";

const quick = process.argv.includes("--quick");
const skipBuild = process.argv.includes("--no-build");

/** Cell lengths; every cell is bounded in time, so the whole run is too. */
const PLAN = quick
  ? { verifyRoundMs: 30, verifyRounds: 3, httpSeconds: 1, httpRounds: 1, signInSeconds: 2, dbSeconds: 1, dbRounds: 1 }
  : { verifyRoundMs: 80, verifyRounds: 15, httpSeconds: 2, httpRounds: 3, signInSeconds: 8, dbSeconds: 2, dbRounds: 3 };
const CONNECTION_LEVELS = [10, 50] as const;
/** Two per core: enough to saturate bcrypt, few enough that a cost-12 sign-in completes inside a cell. */
const SIGN_IN_CONNECTIONS = 4;
/** A monitoring probe's view of the server while sign-ins saturate it. */
const PROBE_CONNECTIONS = 1;
const COSTS = [10, 12] as const;
const ALGS = ["HS256", "RS256", "ES256", "EdDSA"] as const;
const SEED_USER = { username: "toby", password: "123toby" };

function log(line: string): void {
  console.error(`[bench] ${line}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const fmt = {
  us: (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} µs`,
  ratio: (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)}×`,
  int: (value: number) => Math.round(value).toLocaleString("en-US"),
  ms: (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`,
  mb: (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`,
  pct: (value: number) => `${Math.round(value * 100)} %`,
};

// --- build and micro-benchmarks --------------------------------------------------------

function build(cwd: string, what: string): number {
  if (skipBuild && existsSync(path.join(cwd, ".next", "BUILD_ID"))) {
    log(`Reusing the existing ${what} (--no-build).`);
    return 0;
  }
  log(`Building the ${what} (next build)…`);
  const started = performance.now();
  const result = spawnSync("npx", ["next", "build"], { cwd, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`next build failed in ${cwd}`);
  return (performance.now() - started) / 1000;
}

function verifyBench(alg: (typeof ALGS)[number]): VerifyResult {
  log(`Token verification, ${alg}…`);
  const result = spawnSync("npx", ["tsx", "bench/verify.ts", alg, String(PLAN.verifyRoundMs), String(PLAN.verifyRounds)], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`bench/verify.ts ${alg} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as VerifyResult;
}

// --- HTTP --------------------------------------------------------------------------

interface Aggregate extends Cell {
  rounds: Cell[];
}

/** Sums requests and time over rounds; latency percentiles are the median round's. */
function aggregate(rounds: Cell[]): Aggregate {
  const first = rounds[0]!;
  const requests = rounds.reduce((total, round) => total + round.requests, 0);
  const seconds = rounds.reduce((total, round) => total + round.seconds, 0);
  const cpu = rounds.map((round) => round.serverCpuUsPerRequest).filter((value): value is number => value !== undefined);
  return {
    label: first.label,
    connections: first.connections,
    seconds,
    requests,
    requestsPerSecond: requests / seconds,
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    non2xx: rounds.reduce((total, round) => total + round.non2xx, 0),
    errors: rounds.reduce((total, round) => total + round.errors, 0),
    serverCpuUsPerRequest: cpu.length ? median(cpu) : undefined,
    nextCpuUsPerRequest: median(rounds.flatMap((round) => round.nextCpuUsPerRequest ?? [])) || undefined,
    rounds,
  };
}

/**
 * Every target in interleaved rounds (order rotated each round), so a slow moment of
 * the shared machine falls on all of them. Ratios are taken round by round, then the median.
 */
async function interleaved(servers: { server: AppServer; target: Target; key: string }[], connections: number, seconds: number, rounds: number) {
  const cells = new Map<string, Cell[]>(servers.map(({ key }) => [key, []]));
  for (let round = 0; round < rounds; round++) {
    const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
    for (const { server, target, key } of order) cells.get(key)!.push(await cell(server, target, connections, seconds));
  }
  const result = new Map<string, Aggregate>();
  for (const [key, list] of cells) result.set(key, aggregate(list));
  const ratio = (a: string, b: string) => median(cells.get(a)!.map((cellA, i) => cellA.requestsPerSecond / cells.get(b)![i]!.requestsPerSecond));
  return { cells: result, ratio };
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

// --- main --------------------------------------------------------------------------

interface Targets {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const started = performance.now();
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", loadAverageAtStart: loadavg() };
  log(`${machine.cpus} CPUs (${machine.cpuModel}), load ${machine.loadAverageAtStart.map((n) => n.toFixed(2)).join(" ")}${quick ? ", --quick" : ""}`);

  const buildSeconds = build(ROOT, "app");
  // The bench-only twin with an empty middleware, for the middleware CPU target.
  const emptyTree = emptyMiddlewareTree(ROOT);
  const emptyBuildSeconds = build(emptyTree, "empty-middleware copy");

  // Micro-benchmarks first, before any server competes for the two cores.
  const verify = ALGS.map(verifyBench);

  const dataDir = temporaryDir("tessera-bench-");
  // One secret for every server: a restart with the same data keeps issued cookies valid.
  const secret = randomBytes(48).toString("base64");
  const servers: AppServer[] = [];
  let postgres: PostgresServer | undefined;
  const http: Record<number, Map<string, Aggregate>> = {};
  const httpRatios: Record<number, { meOverHealth: number; dashboardOverHome: number }> = {};
  const signIns: { cost: number; alone: Cell; storm: { login: Cell; health: Cell } }[] = [];
  const memory: { when: string; footprint: AppFootprint }[] = [];
  let middlewareCompare: { cells: Map<string, Aggregate>; cpuRatio: { me: number; health: number } } | undefined;
  let database:
    | { skipped: string }
    | { version: string; embedded: Aggregate; postgres: Aggregate; postgresOverEmbedded: number }
    | undefined;

  /** `npm start` signing HS256 with the run's secret, with no per-IP sign-in limit to trip. */
  const start = async ({ bcryptCost, ...options }: Pick<AppOptions, "name" | "dataDir" | "databaseUrl" | "cwd"> & { bcryptCost: number }) => {
    log(`Starting ${options.name} (BCRYPT_COST=${bcryptCost}${options.databaseUrl ? ", PostgreSQL server" : ", embedded database"})…`);
    const server = await AppServer.start({
      ...options,
      env: {
        JWT_ALG: "HS256",
        JWT_SECRET: secret,
        BCRYPT_COST: String(bcryptCost),
        // The bench signs in hundreds of times from one address; it measures bcrypt, not the abuse limit.
        RATE_LIMIT_PER_IP: "1000000",
      },
    });
    servers.push(server);
    return server;
  };
  const stop = async (server: AppServer) => {
    await server.terminate();
    servers.splice(servers.indexOf(server), 1);
  };

  try {
    // 1. The request matrix and cost-10 sign-ins, on the embedded database (what `npm test` runs).
    const app = await start({ name: "app-cost10", dataDir, bcryptCost: 10 });
    app.seed();
    const cookie = await signIn(app, SEED_USER.username, SEED_USER.password);
    const targets = {
      health: { path: "/api/health" },
      me: { path: "/api/auth/me", cookie },
      dashboard: { path: "/dashboard", cookie },
      home: { path: "/" },
    } satisfies Record<string, Target>;
    for (const target of Object.values(targets)) await expectOk(app, target);
    log("Warming up every route…");
    for (const target of Object.values(targets)) await cell(app, target, 10, 2, false);

    for (const connections of CONNECTION_LEVELS) {
      log(`Requests at ${connections} connections (${PLAN.httpRounds} interleaved rounds × ${PLAN.httpSeconds} s per route)…`);
      const run = await interleaved(
        Object.entries(targets).map(([key, target]) => ({ server: app, target, key })),
        connections,
        PLAN.httpSeconds,
        PLAN.httpRounds,
      );
      http[connections] = run.cells;
      httpRatios[connections] = { meOverHealth: run.ratio("me", "health"), dashboardOverHome: run.ratio("dashboard", "home") };
    }

    // Our middleware against an empty one: same routes, same database kind, interleaved.
    const empty = await start({ name: "app-empty-middleware", dataDir: path.join(dataDir, "empty"), bcryptCost: 10, cwd: emptyTree });
    empty.seed();
    const emptyMe: Target = { path: "/api/auth/me", cookie: await signIn(empty, SEED_USER.username, SEED_USER.password) };
    await expectOk(empty, emptyMe);
    for (const target of [targets.health, emptyMe]) await cell(empty, target, 10, 2, false);
    log(`Our middleware vs an empty one (${PLAN.httpRounds} interleaved rounds × ${PLAN.httpSeconds} s, 10 connections)…`);
    const compare = await interleaved(
      [
        { server: app, target: targets.me, key: "ours-me" },
        { server: empty, target: emptyMe, key: "empty-me" },
        { server: app, target: targets.health, key: "ours-health" },
        { server: empty, target: targets.health, key: "empty-health" },
      ],
      10,
      PLAN.httpSeconds,
      PLAN.httpRounds,
    );
    const nextCpu = (key: string) => compare.cells.get(key)!.nextCpuUsPerRequest ?? Number.NaN;
    middlewareCompare = { cells: compare.cells, cpuRatio: { me: nextCpu("ours-me") / nextCpu("empty-me"), health: nextCpu("ours-health") / nextCpu("empty-health") } };
    await stop(empty);

    const signInPhase = async (server: AppServer, cost: number) => {
      const user = { username: `bench_cost${cost}`, password: "bench-password-1" };
      await registerUser(server, user.username, user.password);
      const login: Target = { path: "/api/auth/login", method: "POST", json: user };
      await expectOk(server, login);
      log(`Sign-ins at BCRYPT_COST=${cost}: ${SIGN_IN_CONNECTIONS} connections, ${PLAN.signInSeconds} s alone, then ${PLAN.signInSeconds} s with a /api/health probe…`);
      const alone = await cell(server, login, SIGN_IN_CONNECTIONS, PLAN.signInSeconds);
      const [stormLogin, stormHealth] = await together(
        server,
        [
          { target: login, connections: SIGN_IN_CONNECTIONS },
          { target: targets.health, connections: PROBE_CONNECTIONS },
        ],
        PLAN.signInSeconds,
      );
      signIns.push({ cost, alone, storm: { login: stormLogin!, health: stormHealth! } });
    };
    await signInPhase(app, 10);
    memory.push({ when: "embedded database, after the request matrix and cost-10 sign-ins", footprint: app.footprint() });
    await stop(app);

    // 2. The same data and secret at the default cost: a restart, as a deploy would do.
    const app12 = await start({ name: "app-cost12", dataDir, bcryptCost: 12 });
    await signInPhase(app12, 12);

    // 3. Embedded database against a PostgreSQL server, same build, same route.
    const binDir = postgresBinDir();
    if (!binDir) {
      database = { skipped: "skipped: no PostgreSQL server" };
    } else {
      log(`PostgreSQL server from ${binDir}…`);
      postgres = await PostgresServer.create({ fsync: true });
      const pgApp = await start({ name: "app-postgres", dataDir: path.join(dataDir, "pg"), bcryptCost: 12, databaseUrl: postgres.url("postgres") });
      pgApp.seed();
      const embeddedMe: Target = { path: "/api/auth/me", cookie: await signIn(app12, SEED_USER.username, SEED_USER.password) };
      const postgresMe: Target = { path: "/api/auth/me", cookie: await signIn(pgApp, SEED_USER.username, SEED_USER.password) };
      await expectOk(app12, embeddedMe);
      await expectOk(pgApp, postgresMe);
      await cell(pgApp, postgresMe, 10, 1, false);
      await cell(app12, embeddedMe, 10, 1, false);
      log(`/api/auth/me, embedded vs PostgreSQL (${PLAN.dbRounds} interleaved rounds × ${PLAN.dbSeconds} s, 10 connections)…`);
      const run = await interleaved(
        [
          { server: app12, target: embeddedMe, key: "embedded" },
          { server: pgApp, target: postgresMe, key: "postgres" },
        ],
        10,
        PLAN.dbSeconds,
        PLAN.dbRounds,
      );
      database = { version: postgres.version(), embedded: run.cells.get("embedded")!, postgres: run.cells.get("postgres")!, postgresOverEmbedded: run.ratio("postgres", "embedded") };
      memory.push({ when: "PostgreSQL server, at the end of the run", footprint: pgApp.footprint() });
    }
    memory.push({ when: "embedded database, cost-12 server at the end of the run", footprint: app12.footprint() });
  } catch (error) {
    log(`Failed; the servers' logs are kept in ${dataDir}.`);
    throw error;
  } finally {
    for (const server of [...servers]) await server.terminate();
    postgres?.destroy();
    rmSync(emptyTree, { recursive: true, force: true });
  }
  rmSync(dataDir, { recursive: true, force: true });

  // --- the one table ---------------------------------------------------------------
  const rows: Row[] = [];
  const targetList: Targets[] = [];
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
      targetList.push(
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
  for (const connections of CONNECTION_LEVELS) {
    const cells = http[connections]!;
    const ratios = httpRatios[connections]!;
    for (const [key, c] of cells) {
      const extra = key === "me" ? [`me÷health ${fmt.pct(ratios.meOverHealth)}`] : key === "dashboard" ? [`dashboard÷home ${fmt.ratio(ratios.dashboardOverHome)}`] : [];
      rows.push({ section: `HTTP ${connections} conn`, measure: `GET ${c.label}${key === "me" || key === "dashboard" ? " (cookie)" : ""}`, value: cellValue(c), compared: [...extra, ...cellNotes(c)].join(" · ") });
    }
    targetList.push({
      name: `/api/auth/me ≥ 35 % of /api/health throughput (${connections} connections)`,
      goal: "≥ 35 %",
      measured: fmt.pct(ratios.meOverHealth),
      met: ratios.meOverHealth >= 0.35,
    });
  }
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
    targetList.push({
      name: `/api/health p99 during a sign-in storm < 50 ms (BCRYPT_COST=${cost})`,
      goal: "< 50 ms",
      measured: probed ? fmt.ms(storm.health.p99Ms) : `no probe answered in ${PLAN.signInSeconds} s`,
      met: probed && storm.health.p99Ms < 50,
    });
  }
  if (middlewareCompare) {
    const { cells, cpuRatio } = middlewareCompare;
    for (const [key, c] of cells) {
      const [which, route] = key.split("-") as [string, string];
      rows.push({
        section: "middleware",
        measure: `GET ${c.label}${route === "me" ? " (cookie)" : ""}, ${which === "ours" ? "our middleware" : "empty middleware (bench-only build)"}, 10 conn`,
        value: cellValue(c),
        compared: [...(which === "ours" ? [`Next.js CPU ÷ empty ${fmt.ratio(route === "me" ? cpuRatio.me : cpuRatio.health)}`] : []), ...cellNotes(c)].join(" · "),
      });
    }
    targetList.push(
      { name: "Next.js CPU per request, our middleware ÷ empty middleware, GET /api/auth/me (server-side)", goal: "≤ 1.5×", measured: fmt.ratio(cpuRatio.me), met: cpuRatio.me <= 1.5 },
      { name: "Next.js CPU per request, our middleware ÷ empty middleware, GET /api/health (server-side)", goal: "≤ 1.5×", measured: fmt.ratio(cpuRatio.health), met: cpuRatio.health <= 1.5 },
    );
  }
  if (!database || "skipped" in database) {
    rows.push({ section: "database", measure: "GET /api/auth/me, embedded vs PostgreSQL server", value: database?.skipped ?? "skipped", compared: "" });
  } else {
    rows.push(
      { section: "database", measure: "GET /api/auth/me, embedded PostgreSQL, 10 conn", value: cellValue(database.embedded), compared: cellNotes(database.embedded).join(" · ") },
      {
        section: "database",
        measure: `GET /api/auth/me, ${database.version.replace(/^postgres \(PostgreSQL\) /, "PostgreSQL ")} server, 10 conn`,
        value: cellValue(database.postgres),
        compared: [`PostgreSQL÷embedded ${fmt.ratio(database.postgresOverEmbedded)}`, ...cellNotes(database.postgres)].join(" · "),
      },
    );
  }
  for (const { when, footprint: fp } of memory) {
    rows.push({ section: "memory", measure: `RSS, ${when}`, value: `${fmt.mb(fp.next.rssBytes)} server group`, compared: `launcher${when.startsWith("embedded") ? " + embedded DB" : ""}: ${fmt.mb(fp.launcher.rssBytes)}` });
  }
  for (const target of targetList) rows.push({ section: "target", measure: target.name, value: target.measured, compared: `${target.met ? "met" : "MISSED"} (goal ${target.goal})` });

  const seconds = (performance.now() - started) / 1000;
  const finishedAt = new Date();
  console.log(textTable(rows));
  log(`Done in ${Math.round(seconds)} s (builds ${Math.round(buildSeconds)} s + ${Math.round(emptyBuildSeconds)} s).`);

  // --- files -------------------------------------------------------------------------
  const hs = verify.find((result) => result.alg === "HS256")!;
  const chartLabels: Record<string, string> = {
    "floor-node": "floor (a) node:crypto",
    "floor-webcrypto": "floor (b) WebCrypto",
    jose: "jose.jwtVerify",
    ours: "verifyAccessToken (ours)",
    middleware: "middleware() (ours)",
    "middleware-empty": "empty middleware",
    "iron-session": "iron-session unsealData",
    authjs: "Auth.js jwt decode",
  };
  const panels: Panel[] = [
    { title: "HS256 session token check, µs per verification (lower is better)", unit: "µs", bars: hs.rows.map((row) => ({ label: chartLabels[row.id] ?? row.id, value: row.usPerOp, ours: row.id === "ours" || row.id === "middleware" })) },
    ...CONNECTION_LEVELS.map((connections) => ({
      title: `Requests per second at ${connections} connections (higher is better)`,
      unit: "req/s",
      bars: [...http[connections]!.entries()].map(([key, c]) => ({ label: `GET ${c.label}`, value: c.requestsPerSecond, ours: key === "me" || key === "dashboard" })),
    })),
    { title: `Sign-ins per second, ${SIGN_IN_CONNECTIONS} connections`, unit: "/s", bars: signIns.map(({ cost, alone }) => ({ label: `BCRYPT_COST=${cost}`, value: alone.requestsPerSecond, ours: true })) },
  ];
  const benchDir = path.join(ROOT, "bench");
  writeFileSync(path.join(benchDir, "chart.svg"), svgChart(`Tessera benchmark, ${startedAt.toISOString().slice(0, 10)}`, panels));
  const results = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds,
    buildSeconds,
    emptyBuildSeconds,
    quick,
    machine,
    plan: PLAN,
    verify,
    http: Object.fromEntries(CONNECTION_LEVELS.map((connections) => [connections, { cells: Object.fromEntries(http[connections]!), ratios: httpRatios[connections] }])),
    signIns,
    database,
    memory,
    targets: targetList,
    table: rows,
  };
  writeFileSync(path.join(benchDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(benchDir, "RESULTS.md"), resultsMarkdown(rows, machine, startedAt, seconds));
  log("Wrote bench/results.json, bench/RESULTS.md and bench/chart.svg.");
  return 0;
}

function resultsMarkdown(rows: Row[], machine: { node: string; cpus: number; cpuModel: string; loadAverageAtStart: number[] }, startedAt: Date, seconds: number): string {
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
