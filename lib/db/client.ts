/**
 * The app's database: one `pg` pool per server process, configured from
 * `config().database`, behind both the PrismaClient (`db`) and the
 * hand-written reads (`sql`, lib/db/sql.ts). One per process (lib/process-wide.ts):
 * each copy of this module, and each evaluation of it under `next dev`, would
 * otherwise open another pool.
 */
import "server-only";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import { processWide } from "@/lib/process-wide";
import { createPool, createPrismaClient, type Database } from "./prisma";
import { Sql, type Statement } from "./sql";

interface Connection {
  prisma: Database;
  sql: Sql;
}

function connect(): Connection {
  const { url, poolMax, timeoutMs } = config().database;
  if (!url) {
    // The embedded database is started by the launcher, which hands its URL to Next.js.
    throw new Error(
      "DATABASE_URL is not set. Start Tessera with `npm run dev` or `npm start` (they start the " +
        "embedded database), or set DATABASE_URL=postgres://… to use a PostgreSQL server.",
    );
  }
  const pool = createPool(url, { poolMax, timeoutMs });
  const sql = new Sql(pool, (error) =>
    log.warn({ error: error.message }, "the database refused a prepared statement (a transaction pooler?): hand-written reads are sent unprepared from now on"),
  );
  return { prisma: createPrismaClient(pool, { timeoutMs }), sql };
}

function connection(): Connection {
  return processWide("database", connect);
}

/** Connects lazily: importing this module never throws, the first query does if no database is configured. */
export const db: Database = new Proxy({} as Database, {
  get(_target, property) {
    const prisma = connection().prisma;
    const value: unknown = Reflect.get(prisma, property);
    return typeof value === "function" ? value.bind(prisma) : value;
  },
});

/** The hand-written reads on the same pool (lib/db/sql.ts); connects lazily, like `db`. */
export const sql: Pick<Sql, "rows"> = {
  rows<Row>(statement: Statement, values: readonly unknown[]): Promise<Row[]> {
    return connection().sql.rows<Row>(statement, values);
  },
};
