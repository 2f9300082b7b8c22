/**
 * The test run's database, reached directly: for setting up what no API can
 * (a weak password hash, an exhausted counter) and for reading what the server
 * stored. One short-lived connection per query.
 */
import pg from "pg";
import { runningEmbeddedUrl } from "@/lib/db/embedded";

/** DATABASE_URL when the run uses a server; otherwise the embedded database the test server started. */
export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? runningEmbeddedUrl(process.env.EMBEDDED_DATA_DIR ?? ".data");
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
