/**
 * `npm run bench`: builds once, then measures token verification in-process and the
 * running app over loopback HTTP, times `npm test` in a fresh clone, and writes every
 * figure of this one run to bench/RESULTS.md, bench/chart.svg and bench/out/results.json.
 *
 *   npm run bench [-- --quick] [-- --no-build] [-- --no-fresh-clone] [-- --requests-only]
 *
 * `--quick` shortens every cell (for checking the script, not for numbers);
 * `--no-build` reuses an existing .next build; `--no-fresh-clone` skips timing a
 * fresh clone's `npm ci`, first `npm run dev` page and `npm test`;
 * `--requests-only` measures only the request matrix and the reference route
 * comparison, prints them and leaves RESULTS.md alone (for repeating the
 * signed-in routes' figures while changing them).
 */
import { cpus, loadavg } from "node:os";
import { buildApps } from "./builds";
import { compareDatabases } from "./database";
import { measureEdgeBundle } from "./edge-bundle";
import { measureFreshClone } from "./fresh-clone";
import type { Machine, Measurements } from "./measurements";
import { compareMiddleware } from "./middleware";
import { log, quick, requestsOnly } from "./plan";
import { compareWithReference } from "./reference";
import { consoleReport, writeReport } from "./report";
import { withServers, type BenchServers } from "./servers";
import { PROJECT_ROOT } from "@/tools/app-server";
import { measureSignIns } from "./sign-ins";
import { tabulate, tabulateRequests } from "./table";
import { measureThroughput, routeTargets } from "./throughput";
import { measureVerification } from "./verification";

/** The machine the figures come from: they mean little without its cores and its load. */
function describeMachine(): Machine {
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", loadAverageAtStart: loadavg() };
  log(`${machine.cpus} CPUs (${machine.cpuModel}), load ${machine.loadAverageAtStart.map((n) => n.toFixed(2)).join(" ")}${quick ? ", --quick" : ""}`);
  return machine;
}

/**
 * Every figure that needs a running server. One server after another, so that only
 * the servers being compared share the two cores: the cost-10 server serves the
 * request matrix, the middleware comparison (beside the bench copy) and its sign-ins;
 * the bench copy alone then serves the reference comparison, by default and with
 * SESSION_CACHE=off; a restart of the app's data at cost 12 serves the default-cost
 * sign-ins and the database comparison.
 */
async function measureOnServers(servers: BenchServers, benchTree: string): Promise<Pick<Measurements, "http" | "middleware" | "reference" | "signIns" | "database" | "memory">> {
  // 1. On the embedded database (what `npm test` runs), at BCRYPT_COST=10.
  const app = await servers.start({ name: "app-cost10", bcryptCost: 10 });
  app.seed();
  const routes = await routeTargets(app);
  const http = await measureThroughput(app, routes);
  const copy = await servers.start({ name: "bench-copy", subdir: "copy", bcryptCost: 10, cwd: benchTree });
  copy.seed();
  const middleware = await compareMiddleware(app, routes, copy);
  await servers.stop(copy);
  const signIns = [await measureSignIns(app, 10, routes.health)];
  const memory = [{ when: "embedded database, after the request matrix and cost-10 sign-ins", footprint: app.footprint() }];
  await servers.stop(app);

  // 2. The bench copy alone: /api/auth/me beside the reference route, the session cache by default, then off (same data).
  const reference = await measureReference(servers, benchTree);

  // 3. The same data and secret at the default cost: a restart, as a deploy would do.
  const app12 = await servers.start({ name: "app-cost12", bcryptCost: 12 });
  signIns.push(await measureSignIns(app12, 12, routes.health));

  // 4. Embedded database against a PostgreSQL server, same build, same route.
  const { database, postgresFootprint } = await compareDatabases(servers, app12);
  if (postgresFootprint) memory.push({ when: "PostgreSQL server, at the end of the run", footprint: postgresFootprint });
  memory.push({ when: "embedded database, cost-12 server at the end of the run", footprint: app12.footprint() });
  return { http, middleware, reference, signIns, database, memory };
}

/** The bench copy alone, one server after the other: /api/auth/me beside the reference route, the session cache by default, then off (same data). */
async function measureReference(servers: BenchServers, benchTree: string, { seed = false } = {}): Promise<Measurements["reference"]> {
  const reference = [];
  for (const [sessionCache, env] of [["default", {}], ["off", { SESSION_CACHE: "off" }]] as const) {
    const server = await servers.start({ name: `bench-copy-session-cache-${sessionCache}`, subdir: "copy", bcryptCost: 10, cwd: benchTree, env });
    if (seed && sessionCache === "default") server.seed();
    reference.push(await compareWithReference(server, sessionCache));
    await servers.stop(server);
  }
  return reference;
}

/** `--requests-only`: the request matrix on the app, then the reference comparison on the bench copy. */
async function measureRequests(servers: BenchServers, benchTree: string): Promise<Pick<Measurements, "http" | "reference">> {
  const app = await servers.start({ name: "app-cost10", bcryptCost: 10 });
  app.seed();
  const http = await measureThroughput(app, await routeTargets(app));
  await servers.stop(app);
  // Nothing has seeded the copy's data yet in this mode.
  return { http, reference: await measureReference(servers, benchTree, { seed: true }) };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const started = performance.now();
  const machine = describeMachine();
  const builds = buildApps();
  try {
    if (requestsOnly) {
      const measured = await withServers((servers) => measureRequests(servers, builds.benchCopy));
      console.log(consoleReport(tabulateRequests(measured)));
      log(`Done in ${Math.round((performance.now() - started) / 1000)} s; RESULTS.md is left as it was (--requests-only).`);
      return;
    }
    // Micro-benchmarks first, before any server competes for the two cores.
    const edgeBundle = measureEdgeBundle(PROJECT_ROOT);
    log(`Middleware bundle: ${edgeBundle.rawBytes} bytes, ${edgeBundle.gzipBytes} gzipped.`);
    const verify = measureVerification();
    const onServers = await withServers((servers) => measureOnServers(servers, builds.benchCopy));
    // Last, once every bench server has stopped: it competes for the cores with nothing measured.
    const freshClone = await measureFreshClone();
    const measured: Measurements = { edgeBundle, verify, ...onServers, freshClone };
    const table = tabulate(measured);
    const seconds = (performance.now() - started) / 1000;
    const finishedAt = new Date();
    console.log(consoleReport(table));
    log(`Done in ${Math.round(seconds)} s (builds ${Math.round(builds.buildSeconds)} s + ${Math.round(builds.emptyBuildSeconds)} s).`);
    writeReport({ startedAt, finishedAt, seconds, buildSeconds: builds.buildSeconds, emptyBuildSeconds: builds.emptyBuildSeconds, machine }, measured, table);
  } finally {
    builds.removeBenchCopy();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
