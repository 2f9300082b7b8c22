/**
 * Device cookies: the browsers that have signed in to an account before.
 *
 * Why: the per-username limit refuses every attempt once a username has failed
 * RATE_LIMIT_PER_USERNAME times in the window, even with the right password.
 * That stops guessing, but it hands anyone who knows a username (an admin's is
 * easy to guess) a way to keep its owner out for good: five wrong passwords
 * every 15 minutes. Following OWASP's "device cookies", a browser that has
 * signed in to the account before is very likely its owner's: during a lockout
 * its attempts are still checked, counted against an allowance of its own
 * (RATE_LIMIT_PER_USERNAME per window, per device, lib/auth/sign-in/limits.ts),
 * while every other client stays refused. A stolen device cookie buys an
 * attacker one device's allowance, no more.
 *
 * Why stored server-side and not signed: the cookie holds 256 random bits and
 * the database only their SHA-256 hash, on a Device row with its user (as for
 * refresh tokens). A signed cookie would need its own key (rotating the JWT keys
 * must not forget every device) and a revocation list; a row is revoked by
 * deleting it, and a leaked database yields no usable cookie. The cookie is
 * bound to its user: another account's device, or an unknown, revoked or
 * expired token, is no device at all.
 *
 * The cookie: `__Host-tessera_device` (`tessera_device` in plain-http
 * development), httpOnly, Path=/ and SameSite as the session cookie
 * (lib/edge/cookies.ts). It lives DEVICE_TTL_SECONDS (180 days) from the last
 * sign-in with it, which renews it (browsers cap cookies at 400 days). Sign-out
 * keeps it, since the browser is still its owner's; "sign out everywhere" and a
 * password change forget all of the account's devices (`revokeDevices`, which a
 * password reset should call too). One per browser: signing in to another
 * account replaces it. A user keeps their DEVICES_PER_USER most recent devices.
 *
 * Every sign-in that sets cookies sets it: /api/auth/login (JSON and form),
 * /api/users/authenticate, the /login page's form, and registration. POST
 * /api/auth/token sets no cookie (its clients keep none) but honours a device
 * cookie sent to it, so an API client that signed in once through
 * /api/auth/login may keep the cookie and send it along.
 */
import "server-only";
import { cookies } from "next/headers";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { acceptedCookieNames } from "@/lib/edge/cookies";
// A device token is the same kind of secret as a refresh token: random, opaque, stored as a hash.
import { generateOpaqueToken, hashOpaqueToken, isWellFormedOpaqueToken } from "@/lib/auth/opaque-token";
import type { Prisma } from "@/lib/db/generated/client";

export const DEVICE_TTL_SECONDS = 180 * 24 * 3600;
const DEVICES_PER_USER = 20;

/** A device cookie that checked out for the username being signed in to. */
export interface TrustedDevice {
  id: string;
  token: string;
}

/** The cookie to set after a successful sign-in. */
export interface IssuedDevice {
  token: string;
  maxAge: number;
}

/** The device token this request carries (in production only under its `__Host-` name). */
export async function requestDeviceToken(): Promise<string | undefined> {
  const jar = await cookies();
  return acceptedCookieNames("device", config().production)
    .map((name) => jar.get(name)?.value)
    .find(Boolean);
}

/** The device `token` names, if it belongs to `username` and is still fresh. */
export async function trustedDevice(token: string | undefined, username: string, now = new Date()): Promise<TrustedDevice | null> {
  if (!token || !isWellFormedOpaqueToken(token)) return null;
  const device = await db.device.findUnique({
    where: { tokenHash: hashOpaqueToken(token) },
    select: { id: true, lastUsedAt: true, user: { select: { username: true } } },
  });
  const fresh = device && device.lastUsedAt.getTime() > now.getTime() - DEVICE_TTL_SECONDS * 1000;
  return fresh && device.user.username === username ? { id: device.id, token } : null;
}

/**
 * Remembers the browser of a successful sign-in: the writes belong in the
 * sign-in's transaction. A known device is renewed under the same token (no
 * rotation: two sign-ins at once from one browser must not leave it holding a
 * token that the other replaced); any other browser gets a new device, and the
 * user's stale and surplus devices are forgotten. A new account (`newUser`)
 * has no devices to look through.
 *
 * Why the surplus is picked here and deleted by id, and not by one SQL
 * statement with a subquery: Prisma compiles each transaction's list of
 * statements into a plan and caches it (up to 1,000 plans) by the statements'
 * shape, where the values of typed queries are placeholders but those of a raw
 * query are part of the shape. A raw statement made every sign-in's
 * transaction a shape of its own, so the server compiled a new plan per
 * sign-in and kept a thousand of them (some 28 MiB, docs/memory.md). Typed
 * queries keep the sign-in to a couple of shapes. Two sign-ins at the same
 * moment may leave a user one device above the limit, which the next removes.
 */
export async function rememberDevice(
  userId: string,
  known: TrustedDevice | null,
  { newUser = false, now = new Date() }: { newUser?: boolean; now?: Date } = {},
): Promise<{ device: IssuedDevice; writes: Prisma.PrismaPromise<unknown>[] }> {
  if (known) {
    return {
      device: { token: known.token, maxAge: DEVICE_TTL_SECONDS },
      writes: [db.device.updateMany({ where: { id: known.id, userId }, data: { lastUsedAt: now } })],
    };
  }
  const token = generateOpaqueToken();
  const doomed = newUser ? [] : await devicesToForget(userId, now);
  return {
    device: { token, maxAge: DEVICE_TTL_SECONDS },
    writes: [
      db.device.create({ data: { userId, tokenHash: hashOpaqueToken(token), lastUsedAt: now }, select: { id: true } }),
      ...(doomed.length > 0 ? [db.device.deleteMany({ where: { userId, id: { in: doomed } } })] : []),
    ],
  };
}

/** The user's devices that must go to make room for one more: the stale ones, and all but the DEVICES_PER_USER − 1 most recent. */
async function devicesToForget(userId: string, now: Date): Promise<string[]> {
  const staleBefore = now.getTime() - DEVICE_TTL_SECONDS * 1000;
  const devices = await db.device.findMany({
    where: { userId },
    orderBy: [{ lastUsedAt: "desc" }, { id: "asc" }],
    select: { id: true, lastUsedAt: true },
  });
  return devices.filter((device, index) => index >= DEVICES_PER_USER - 1 || device.lastUsedAt.getTime() <= staleBefore).map((device) => device.id);
}

/**
 * Forgets every device of a user: none of their device cookies gets through a
 * lockout any more. For "sign out everywhere", a password change, and anything
 * else that answers a stolen password or device. Lazy like any Prisma query:
 * await it, or pass it to a transaction.
 */
export function revokeDevices(userId: string): Prisma.PrismaPromise<Prisma.BatchPayload> {
  return db.device.deleteMany({ where: { userId } });
}
