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
import { cpus, loadavg } from "node:os";
import { buildApps } from "./builds";
import { compareDatabases } from "./database";
import type { Machine, Measurements } from "./measurements";
import { compareMiddleware } from "./middleware";
import { log, quick } from "./plan";
import { textTable, writeReport } from "./report";
import { withServers, type BenchServers } from "./servers";
import { measureSignIns } from "./sign-ins";
import { tabulate } from "./table";
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
 * request matrix, the middleware comparison and its sign-ins; a restart of the same
 * data at cost 12 serves the default-cost sign-ins and the database comparison.
 */
async function measureOnServers(servers: BenchServers, emptyTree: string): Promise<Omit<Measurements, "verify">> {
  // 1. On the embedded database (what `npm test` runs), at BCRYPT_COST=10.
  const app = await servers.start({ name: "app-cost10", bcryptCost: 10 });
  app.seed();
  const routes = await routeTargets(app);
  const http = await measureThroughput(app, routes);
  const middleware = await compareMiddleware(servers, app, routes, emptyTree);
  const signIns = [await measureSignIns(app, 10, routes.health)];
  const memory = [{ when: "embedded database, after the request matrix and cost-10 sign-ins", footprint: app.footprint() }];
  await servers.stop(app);

  // 2. The same data and secret at the default cost: a restart, as a deploy would do.
  const app12 = await servers.start({ name: "app-cost12", bcryptCost: 12 });
  signIns.push(await measureSignIns(app12, 12, routes.health));

  // 3. Embedded database against a PostgreSQL server, same build, same route.
  const { database, postgresFootprint } = await compareDatabases(servers, app12);
  if (postgresFootprint) memory.push({ when: "PostgreSQL server, at the end of the run", footprint: postgresFootprint });
  memory.push({ when: "embedded database, cost-12 server at the end of the run", footprint: app12.footprint() });
  return { http, middleware, signIns, database, memory };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const started = performance.now();
  const machine = describeMachine();
  const builds = buildApps();
  try {
    // Micro-benchmarks first, before any server competes for the two cores.
    const verify = measureVerification();
    const measured: Measurements = { verify, ...(await withServers((servers) => measureOnServers(servers, builds.emptyTree))) };
    const table = tabulate(measured);
    const seconds = (performance.now() - started) / 1000;
    const finishedAt = new Date();
    console.log(textTable(table.rows));
    log(`Done in ${Math.round(seconds)} s (builds ${Math.round(builds.buildSeconds)} s + ${Math.round(builds.emptyBuildSeconds)} s).`);
    writeReport({ startedAt, finishedAt, seconds, buildSeconds: builds.buildSeconds, emptyBuildSeconds: builds.emptyBuildSeconds, machine }, measured, table);
  } finally {
    builds.removeEmptyTree();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
