/**
 * The one way Tessera builds a PrismaClient: the `pg` driver adapter on a
 * connection URL. Free of `server-only` so the seed and tests can use it;
 * the app goes through `lib/db/client.ts`, which adds the process-wide cache.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

export interface PrismaClientOptions {
  /** Most connections this client's pool opens. */
  poolMax?: number;
  /** Bound on connecting and on each statement, so a stuck database fails fast (a 503, docs/api.md#errors). */
  timeoutMs?: number;
}

export function createPrismaClient(url: string, { poolMax = 10, timeoutMs = 5000 }: PrismaClientOptions = {}) {
  const adapter = new PrismaPg({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: timeoutMs,
    // Server-side bound …
    statement_timeout: timeoutMs,
    // … and a client-side one, which also covers a server that stops answering.
    query_timeout: timeoutMs,
  });
  // A transaction waits at most this long for its connection and runs at most this long.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: timeoutMs, timeout: timeoutMs } });
}

export type Database = ReturnType<typeof createPrismaClient>;
