/**
 * What a data dir holds, and how a client reaches the server that runs from
 * it: the names every module of the embedded database agrees on.
 */
import fs from "node:fs/promises";
import path from "node:path";

/** What lives in a data dir. */
export const EMBEDDED_FILES = {
  lock: "embedded.json",
  cluster: "postgres",
  password: "postgres-password",
  log: "postgres.log",
} as const;

/** The superuser initdb creates; the app signs in as it, with the data dir's password. */
export const SUPERUSER = "postgres";

export class EmbeddedDatabaseError extends Error {
  override name = "EmbeddedDatabaseError";
}

export function embeddedUrl(port: number, password: string): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
}

export async function readPassword(root: string): Promise<string> {
  return (await fs.readFile(path.join(root, EMBEDDED_FILES.password), "utf8")).trim();
}
