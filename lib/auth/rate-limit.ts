/**
 * Sign-in abuse limits (SPEC §8), counted in the database so that every app
 * instance shares them: per client IP, every sign-in, token and register
 * attempt counts; per username, only failures count, and once a username has
 * RATE_LIMIT_PER_USERNAME failures in the window even the right password is
 * refused until the window passes. A successful sign-in clears its username.
 *
 * Why not a limiter library with a PostgreSQL store: it would open a second
 * connection pool beside Prisma's, with its own settings, timeouts and failure
 * modes, for what one atomic upsert through Prisma does.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { recordAuthEvent } from "@/lib/auth/events";
import { ApiError } from "@/lib/http/errors";
import type { ClientInfo } from "@/lib/http/client-info";

interface Window {
  count: number;
  windowStart: Date;
}

/** Counts one more in `key`'s window, opening a new window once the old one has passed. One statement, so concurrent hits never lose a count. */
async function hit(key: string, windowSeconds: number, now: Date): Promise<Window> {
  const cutoff = new Date(now.getTime() - windowSeconds * 1000);
  const [row] = await db.$queryRaw<Window[]>`
    INSERT INTO "RateLimit" ("key", "count", "windowStart") VALUES (${key}, 1, ${now}::timestamp(3))
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" <= ${cutoff}::timestamp(3) THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" <= ${cutoff}::timestamp(3) THEN ${now}::timestamp(3) ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  return row!;
}

async function current(key: string, windowSeconds: number, now: Date): Promise<Window | null> {
  const row = await db.rateLimit.findUnique({ where: { key }, select: { count: true, windowStart: true } });
  return row && row.windowStart.getTime() > now.getTime() - windowSeconds * 1000 ? row : null;
}

async function refuse(window: Window, windowSeconds: number, now: Date, username: string | null, client: ClientInfo): Promise<never> {
  const retryAfter = Math.max(1, Math.ceil((window.windowStart.getTime() + windowSeconds * 1000 - now.getTime()) / 1000));
  await recordAuthEvent({ type: "rate_limited", username, client });
  throw new ApiError("rate_limited", undefined, { headers: { "retry-after": String(retryAfter) } });
}

const ipKey = (client: ClientInfo) => `ip:${client.ip ?? "unknown"}`;
const userKey = (username: string) => `user:${username}`;

/** Before checking a password: counts the attempt for the IP, and refuses a username that failed too often. */
export async function guardSignIn(username: string, client: ClientInfo, now = new Date()): Promise<void> {
  const { perIp, perUsername, windowSeconds } = config().rateLimits;
  const ip = await hit(ipKey(client), windowSeconds, now);
  if (ip.count > perIp) await refuse(ip, windowSeconds, now, username, client);
  const failures = await current(userKey(username), windowSeconds, now);
  if (failures && failures.count >= perUsername) await refuse(failures, windowSeconds, now, username, client);
}

export async function recordSignInFailure(username: string, now = new Date()): Promise<void> {
  await hit(userKey(username), config().rateLimits.windowSeconds, now);
}

export async function clearSignInFailures(username: string): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key: userKey(username) } });
}

/** Registration counts against the IP only: a taken username (409) is not a failure. */
export async function guardRegistration(client: ClientInfo, now = new Date()): Promise<void> {
  const { perIp, windowSeconds } = config().rateLimits;
  const ip = await hit(ipKey(client), windowSeconds, now);
  if (ip.count > perIp) await refuse(ip, windowSeconds, now, null, client);
}
