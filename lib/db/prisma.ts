/**
 * The one way Tessera connects to PostgreSQL: a `pg` pool with the statement
 * and connection timeouts, and the PrismaClient on it through the `pg` driver
 * adapter. Free of `server-only` so the seed and tests can use it; the app
 * goes through `lib/db/client.ts`, which keeps one pool per process and also
 * hands it to the hand-written reads (`lib/db/sql.ts`).
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";

export interface PrismaClientOptions {
  /** Most connections this client's pool opens. */
  poolMax?: number;
  /** Bound on connecting and on each statement, so a stuck database fails fast (a 503, docs/api.md#errors). */
  timeoutMs?: number;
}

export function createPool(url: string, { poolMax = 10, timeoutMs = 5000 }: PrismaClientOptions = {}): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: timeoutMs,
    // Server-side bound …
    statement_timeout: timeoutMs,
    // … and a client-side one, which also covers a server that stops answering.
    query_timeout: timeoutMs,
  });
}

/** A PrismaClient on its own pool (`url`) or on `pool`, which it then owns: `$disconnect()` ends it. */
export function createPrismaClient(url: string | pg.Pool, options: PrismaClientOptions = {}) {
  const pool = typeof url === "string" ? createPool(url, options) : url;
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const timeoutMs = options.timeoutMs ?? 5000;
  // A transaction waits at most this long for its connection and runs at most this long.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: timeoutMs, timeout: timeoutMs } });
}

export type Database = ReturnType<typeof createPrismaClient>;
