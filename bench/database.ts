/**
 * The embedded database against a PostgreSQL server: the same build and the same
 * signed-in route, which reads the session from the database, interleaved.
 */
import type { AppFootprint, AppServer } from "@/tools/app-server";
import { postgresBinDir } from "@/tools/postgres-server";
import { interleaved, type Aggregate } from "./interleaved";
import { cell, expectOk, type Target } from "./load";
import { log, PLAN } from "./plan";
import { seedUserCookie, type BenchServers } from "./servers";

export type DatabaseComparison =
  | { skipped: string }
  | { version: string; embedded: Aggregate; postgres: Aggregate; postgresOverEmbedded: number };

/** /api/auth/me on a PostgreSQL server ÷ on the embedded database (`embeddedApp`): what the database behind every signed-in request costs; with the PostgreSQL app's footprint. */
export async function compareDatabases(servers: BenchServers, embeddedApp: AppServer): Promise<{ database: DatabaseComparison; postgresFootprint?: AppFootprint }> {
  const binDir = postgresBinDir();
  if (!binDir) return { database: { skipped: "skipped: no PostgreSQL server" } };
  log(`PostgreSQL server from ${binDir}…`);
  const postgres = await servers.postgres();
  const pgApp = await servers.start({ name: "app-postgres", subdir: "pg", bcryptCost: 12, databaseUrl: postgres.url("postgres") });
  pgApp.seed();
  const embeddedMe: Target = { path: "/api/auth/me", cookie: await seedUserCookie(embeddedApp) };
  const postgresMe: Target = { path: "/api/auth/me", cookie: await seedUserCookie(pgApp) };
  await expectOk(embeddedApp, embeddedMe);
  await expectOk(pgApp, postgresMe);
  await cell(pgApp, postgresMe, 10, 1, false);
  await cell(embeddedApp, embeddedMe, 10, 1, false);
  log(`/api/auth/me, embedded vs PostgreSQL (${PLAN.dbRounds} interleaved rounds × ${PLAN.dbSeconds} s, 10 connections)…`);
  const run = await interleaved(
    [
      { server: embeddedApp, target: embeddedMe, key: "embedded" },
      { server: pgApp, target: postgresMe, key: "postgres" },
    ],
    10,
    PLAN.dbSeconds,
    PLAN.dbRounds,
  );
  return {
    database: { version: postgres.version(), embedded: run.cells.get("embedded")!, postgres: run.cells.get("postgres")!, postgresOverEmbedded: run.ratio("postgres", "embedded") },
    postgresFootprint: pgApp.footprint(),
  };
}
