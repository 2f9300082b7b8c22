/**
 * The app's database client: one PrismaClient per server process, configured
 * from `config().database`. Cached on globalThis because `next dev` re-evaluates
 * modules on every edit, and each evaluation would otherwise open another pool.
 */
import "server-only";
import { config } from "@/lib/config";
import { createPrismaClient, type Database } from "./prisma";

const cache = globalThis as typeof globalThis & { tesseraDb?: Database };

function connect(): Database {
  const { url, poolMax, timeoutMs } = config().database;
  if (!url) {
    // The embedded database is started by the launcher, which hands its URL to Next.js.
    throw new Error(
      "DATABASE_URL is not set. Start Tessera with `npm run dev` or `npm start` (they start the " +
        "embedded database), or set DATABASE_URL=postgres://… to use a PostgreSQL server.",
    );
  }
  return createPrismaClient(url, { poolMax, timeoutMs });
}

/** Connects lazily: importing this module never throws, the first query does if no database is configured. */
export const db: Database = new Proxy({} as Database, {
  get(_target, property) {
    cache.tesseraDb ??= connect();
    const value: unknown = Reflect.get(cache.tesseraDb, property);
    return typeof value === "function" ? value.bind(cache.tesseraDb) : value;
  },
});
