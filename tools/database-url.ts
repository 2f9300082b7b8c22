/**
 * Where the scripts' database is: `DATABASE_URL` when set, otherwise the
 * embedded server for the data dir (reused if another process serves it);
 * and where migrations go: `DATABASE_MIGRATE_URL` when set.
 */
import path from "node:path";
import type { DatabaseConfig } from "@/lib/config";
import { EMBEDDED_FILES, openEmbeddedDatabase } from "./embedded-database";

export interface ResolvedDatabase {
  url: string;
  /** A human description for logs; never contains the password. */
  description: string;
  /** Stops the embedded server if this process started it; otherwise does nothing. */
  stop(): Promise<void>;
}

export async function resolveDatabase({ database }: Pick<DatabaseConfig, "database">): Promise<ResolvedDatabase> {
  if (database.url) {
    return { url: database.url, description: `PostgreSQL at ${redact(database.url)}`, stop: async () => {} };
  }
  const dataDir = path.resolve(database.embeddedDataDir);
  const embedded = await openEmbeddedDatabase(dataDir);
  const how = embedded.owned ? "started here" : "served by another process";
  const link = path.join(dataDir, EMBEDDED_FILES.cluster);
  // As root in a folder the server's account cannot enter, the cluster lives where it can (tools/embedded-database/places.ts).
  const where = embedded.cluster === link ? dataDir : `${dataDir}, its cluster in ${embedded.cluster} (linked from ${link})`;
  return {
    url: embedded.url,
    description: `embedded PostgreSQL, data in ${where}, ${how} at ${redact(embedded.url)}`,
    stop: embedded.stop,
  };
}

/**
 * Where migrations are applied: DATABASE_MIGRATE_URL when set (the direct route to
 * the database that DATABASE_URL reaches through a transaction pooler, where the
 * schema engine cannot work), otherwise the app's own database.
 */
export function migrationTarget(
  { database }: Pick<DatabaseConfig, "database">,
  resolved: ResolvedDatabase,
): Pick<ResolvedDatabase, "url" | "description"> {
  if (!database.migrateUrl) return resolved;
  return { url: database.migrateUrl, description: `PostgreSQL at ${redact(database.migrateUrl)} (DATABASE_MIGRATE_URL)` };
}

/** The URL without its password, for log lines. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}
