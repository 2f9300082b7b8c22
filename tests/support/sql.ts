/**
 * The test run's database, reached directly with one short-lived connection
 * per statement: for setting up what no API can and reading what the server
 * stored. Free of any test runner, so vitest and Playwright tests share it.
 */
import pg from "pg";
import { runningEmbeddedUrl } from "@/tools/embedded-database";

/** DATABASE_URL when the run uses a server; otherwise the embedded database the test server started. */
export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? runningEmbeddedUrl(process.env.EMBEDDED_DATA_DIR ?? ".data");
}

export function query<Row extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
  return queryAt<Row>(databaseUrl(), text, values);
}

/** One statement on another database (a scratch one, another process's embedded one), on a connection of its own. */
export async function queryAt<Row extends Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Moves a session's sign-in (its `authTime`) back by `seconds`, past any step-up window a test needs to be over. */
export async function ageSignIn(sessionId: string, seconds: number): Promise<void> {
  await query(`UPDATE "Session" SET "authTime" = now() - make_interval(secs => $2) WHERE "id" = $1`, [sessionId, seconds]);
}
