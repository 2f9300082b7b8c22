/**
 * The test run's database, reached directly: for setting up what no API can
 * (a weak password hash, an exhausted counter) and for reading what the server
 * stored. One short-lived connection per query.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { embeddedUrl } from "@/lib/db/embedded";

/** DATABASE_URL when the run uses a server; otherwise the embedded database the test server started. */
export function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const lock = path.join(process.env.EMBEDDED_DATA_DIR ?? ".data", "embedded.json");
  return embeddedUrl(JSON.parse(readFileSync(lock, "utf8")).port);
}

export async function query<Row extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}
