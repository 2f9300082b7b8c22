/**
 * Migrations on the direct connection: `npm run db:migrate` (which `npm run
 * vercel-build` runs first) applies them on DATABASE_MIGRATE_URL when it is set,
 * since the transaction pooler that DATABASE_URL may go through cannot run them.
 * Here DATABASE_URL points at a port where nothing listens, and
 * DATABASE_MIGRATE_URL at a scratch database on the test run's server.
 */
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, query, queryAt } from "@/tests/support/database";
import { runCommand } from "@/tools/processes";
import { freePort } from "@/tools/free-port";

const scratch = `tessera_migrate_${randomBytes(6).toString("hex")}`;
let scratchUrl: string;
let unreachableUrl: string;

beforeAll(async () => {
  await query(`CREATE DATABASE "${scratch}"`);
  const url = new URL(databaseUrl());
  url.pathname = `/${scratch}`;
  scratchUrl = url.toString();
  unreachableUrl = `postgres://tessera:unused@127.0.0.1:${await freePort()}/tessera`;
});

afterAll(() => query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`));

function migrate(settings: Record<string, string>) {
  return runCommand("npm", ["run", "db:migrate"], { ...process.env, DATABASE_MIGRATE_URL: "", ...settings });
}

const scratchQuery = (sql: string, values: unknown[] = []) => queryAt(scratchUrl, sql, values);

async function appliedMigrations(): Promise<string[]> {
  const rows = await scratchQuery(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`);
  return rows.map((row) => row.migration_name as string);
}

describe("npm run db:migrate with DATABASE_MIGRATE_URL", () => {
  it("cannot reach the DATABASE_URL of this test, so a run that used it would fail", async () => {
    const result = await migrate({ DATABASE_URL: unreachableUrl });
    expect(result.status, result.output).not.toBe(0);
  });

  it("applies every migration on DATABASE_MIGRATE_URL, not on DATABASE_URL", async () => {
    const result = await migrate({ DATABASE_URL: unreachableUrl, DATABASE_MIGRATE_URL: scratchUrl });
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain("(DATABASE_MIGRATE_URL)");

    const folders = readdirSync("prisma/migrations", { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(await appliedMigrations()).toEqual(folders.sort());
  });

  it("applies nothing to a database that has every migration", async () => {
    const result = await migrate({ DATABASE_URL: unreachableUrl, DATABASE_MIGRATE_URL: scratchUrl });
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain("No pending migrations");
  });

  // A database that has every migration is recognised without the engine; whatever else is in the table must still reach it.
  it("still refuses a database where a migration failed, as prisma migrate deploy does", async () => {
    const last = (await scratchQuery(`SELECT max("migration_name") AS name FROM "_prisma_migrations"`))[0]!.name as string;
    await scratchQuery(`UPDATE "_prisma_migrations" SET "finished_at" = NULL WHERE "migration_name" = $1`, [last]);
    try {
      const result = await migrate({ DATABASE_URL: unreachableUrl, DATABASE_MIGRATE_URL: scratchUrl });
      expect(result.status, result.output).not.toBe(0);
      expect(result.output).toContain(last);
    } finally {
      await scratchQuery(`UPDATE "_prisma_migrations" SET "finished_at" = "started_at" WHERE "migration_name" = $1`, [last]);
    }
  });
});
