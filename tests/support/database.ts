/**
 * The test run's database for vitest suites: the plain queries of ./sql.ts,
 * and the set-ups built on them (a weak password hash, an exhausted counter,
 * accounts deleted after a file's tests).
 */
import { afterAll } from "vitest";
import { utcParameter } from "@/lib/db/sql";
import { query } from "./sql";
import { registerUser } from "@/tools/http-client";

export { ageSignIn, databaseUrl, query, queryAt } from "./sql";

/**
 * Deletes accounts a test made, with their sessions and devices, so that many
 * throwaway accounts do not push the shared server's user list onto new pages.
 */
export async function deleteUsers(ids: string[]): Promise<void> {
  await query(`DELETE FROM "User" WHERE "id" = ANY($1::uuid[])`, [ids]);
}

/**
 * `registerUser` (or `registerSignedIn`, which keeps the registration's
 * session) for a test file whose accounts are all deleted once its tests have run.
 */
export function throwawayAccounts<Account extends { id: string }>(register: (prefix?: string) => Promise<Account>): (prefix?: string) => Promise<Account>;
export function throwawayAccounts(): typeof registerUser;
export function throwawayAccounts(register: (prefix?: string) => Promise<{ id: string }> = registerUser) {
  const ids: string[] = [];
  afterAll(() => deleteUsers(ids));
  return async (prefix?: string) => {
    const user = await register(prefix);
    ids.push(user.id);
    return user;
  };
}

export interface SessionTimes {
  createdAt?: Date;
  lastUsedAt?: Date;
  expiresAt?: Date;
  revokedAt?: Date | null;
}

/**
 * Opens abuse limit `key`'s window at `windowStart` (the database's now by
 * default) with `count` attempts already counted in it, straight in the database
 * (lib/auth/sign-in/limits.ts): the state that many refused or failed attempts
 * leave, without sending them.
 */
export async function fillRateLimit(key: string, count: number, windowStart?: Date): Promise<void> {
  await query(
    `INSERT INTO "RateLimit" ("key", "count", "windowStart") VALUES ($1, $2, COALESCE(${utcParameter(3)}, now() AT TIME ZONE 'UTC'))
     ON CONFLICT ("key") DO UPDATE SET "count" = $2, "windowStart" = EXCLUDED."windowStart"`,
    [key, count, windowStart?.toISOString() ?? null],
  );
}

/** Moves a session's moments, as if it had been used, revoked or expired back then (time no test can wait for). */
export async function setSessionTimes(sessionId: string, times: SessionTimes): Promise<void> {
  const entries = Object.entries(times);
  const assignments = entries.map(([column], index) => `"${column}" = ${utcParameter(index + 2)}`).join(", ");
  await query(`UPDATE "Session" SET ${assignments} WHERE "id" = $1`, [sessionId, ...entries.map(([, value]) => value?.toISOString() ?? null)]);
}

/** A moment `seconds` before now. */
export function secondsAgo(seconds: number): Date {
  return new Date(Date.now() - seconds * 1000);
}
