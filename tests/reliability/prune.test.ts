/**
 * The prune on a PostgreSQL server of its own, where its advisory lock counts:
 * while another instance holds the lock, `npm run db:prune` skips and deletes
 * nothing; instances that start at the same moment all finish, and between
 * them delete each row exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maintenanceConfig } from "@/lib/config";
import { createPrismaClient } from "@/lib/db/prisma";
import { prune, PRUNE_LOCK_KEY } from "@/lib/maintenance/prune";
import { applyMigrations } from "@/scripts/migrate";
import { PostgresServer } from "@/tools/postgres-server";
import { runCommand } from "@/tools/processes";

let postgres: PostgresServer;
let url: string;

beforeAll(async () => {
  postgres = await PostgresServer.create();
  url = await postgres.createDatabase("tessera");
  await applyMigrations(url);
});

afterAll(() => postgres?.destroy());

const settings = () => maintenanceConfig({ DATABASE_URL: url });

/** `count` auth events a day older than EVENT_RETENTION. */
async function addOldEvents(count: number): Promise<void> {
  const seconds = settings().retention.events + 86_400;
  await postgres.sql("tessera", (client) =>
    client.query(
      `INSERT INTO "AuthEvent" ("id", "type", "createdAt")
       SELECT gen_random_uuid(), 'login_failure', (now() AT TIME ZONE 'UTC') - make_interval(secs => $2) FROM generate_series(1, $1)`,
      [count, seconds],
    ),
  );
}

const eventCount = () =>
  postgres.sql("tessera", async (client) => Number((await client.query(`SELECT count(*) AS n FROM "AuthEvent"`)).rows[0].n));

describe("pruning a PostgreSQL server", () => {
  it("skips while another instance holds the lock, and prunes once it is released", async () => {
    await addOldEvents(3);
    const holder = await postgres.connect("tessera");
    const prune = () => runCommand("npm", ["run", "db:prune"], { ...process.env, DATABASE_URL: url });
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_try_advisory_xact_lock($1::bigint)", [PRUNE_LOCK_KEY]);
      const skipped = await prune();
      expect(skipped.status, skipped.output).toBe(0);
      expect(skipped.output).toContain("Another instance is pruning");
      expect(await eventCount()).toBe(3);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
    const pruned = await prune();
    expect(pruned.status, pruned.output).toBe(0);
    expect(pruned.output).toContain("3 auth event(s)");
    expect(await eventCount()).toBe(0);
  });

  it("lets four instances start at once: all finish, and each row is deleted exactly once", async () => {
    await addOldEvents(2500);
    const clients = Array.from({ length: 4 }, () => createPrismaClient(url, { poolMax: 1 }));
    try {
      const results = await Promise.all(clients.map((client) => prune(client, settings())));
      const deleted = results.reduce((total, result) => total + (result.skipped ? 0 : result.authEvents), 0);
      expect(deleted).toBe(2500);
      expect(await eventCount()).toBe(0);
    } finally {
      await Promise.all(clients.map((client) => client.$disconnect()));
    }
  });
});
