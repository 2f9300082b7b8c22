/**
 * A user's sessions as a list of devices, and ending them: one, all but the
 * current one, or all (/api/auth/sessions and the dashboard), or every
 * session of a user at an ADMIN's request. Callers have passed the DAL, whose
 * own check of the session is `liveSessionUser` here. "Live" means one thing
 * throughout (lib/auth/session-lifetime.ts).
 */
import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { config } from "@/lib/edge/config";
import { authEventData, logAuthEvent } from "@/lib/auth/audit-events";
import { describeDevice } from "@/lib/auth/device-name";
import { revokeDevices } from "@/lib/auth/trusted-devices";
import { forgetSession, forgetUser } from "@/lib/auth/process-session-cache";
import { hashOpaqueToken, isWellFormedOpaqueToken } from "@/lib/auth/opaque-token";
import { liveSessionWhere, sessionEndsAt, sessionKind, type SessionKind } from "@/lib/auth/session-lifetime";
import { ApiError } from "@/lib/edge/errors";
import type { ClientInfo } from "@/lib/http/client-info";
import { publicUserSelect, type PublicUserRow } from "@/lib/users/access";
import type { Database } from "@/lib/db/prisma";

export interface SessionView {
  id: string;
  current: boolean;
  /** `cookie`: a browser sign-in with a refresh token; `bearer`: an API token from POST /api/auth/token. */
  kind: SessionKind;
  device: string;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  /** When it ends unless used again: a Bearer token's expiry; for a cookie session, its absolute or idle end, whichever is sooner. */
  expiresAt: string;
}

function liveNow() {
  return liveSessionWhere(new Date(), config().refreshTokenTtl);
}

export interface LiveSession {
  user: PublicUserRow;
  /** Whether the session will still be live at `horizon`, if one was asked about: until then, nothing but a notice can end it. */
  liveAtHorizon: boolean;
}

/**
 * The data-access layer's session check, in one query: the user `userId`, if
 * session `sessionId` is theirs and live; null otherwise. Asked from the
 * user's side (`sessions: { some }` is an EXISTS in the same statement):
 * asked from the session's side, Prisma would load the related user with a
 * second query. With `horizon`, the same statement also counts whether the
 * session will still be live then (a filtered relation count, a subquery):
 * the session cache may keep the answer that long.
 */
export async function liveSessionUser(
  session: { id: string; userId: string },
  { horizon, client = db }: { horizon?: Date; client?: Pick<Database, "user"> } = {},
): Promise<LiveSession | null> {
  const where = { id: session.userId, sessions: { some: { id: session.id, ...liveNow() } } };
  if (!horizon) {
    const user = await client.user.findFirst({ where, select: publicUserSelect });
    return user && { user, liveAtHorizon: false };
  }
  const liveThen = liveSessionWhere(horizon, config().refreshTokenTtl);
  const row = await client.user.findFirst({
    where,
    select: { ...publicUserSelect, _count: { select: { sessions: { where: { id: session.id, ...liveThen } } } } },
  });
  if (!row) return null;
  const { _count: counts, ...user } = row;
  return { user, liveAtHorizon: counts.sessions > 0 };
}

/** When the user of session `sessionId` last proved who they are (sign-in or re-authentication); null for no such session. */
export async function sessionAuthTime(sessionId: string): Promise<Date | null> {
  const row = await db.session.findUnique({ where: { id: sessionId }, select: { authTime: true } });
  return row?.authTime ?? null;
}

/** Live sessions only, newest first: revoked, expired and idle ones are gone from the list as from the gate. */
export async function listSessions(userId: string, currentSessionId: string): Promise<SessionView[]> {
  const rows = await db.session.findMany({
    where: { userId, ...liveNow() },
    orderBy: [{ lastUsedAt: "desc" }, { id: "asc" }],
    select: { id: true, refreshTokenHash: true, userAgent: true, ip: true, createdAt: true, lastUsedAt: true, expiresAt: true },
    take: 100,
  });
  return rows.map((row) => ({
    id: row.id,
    current: row.id === currentSessionId,
    kind: sessionKind(row),
    device: describeDevice(row.userAgent),
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    expiresAt: sessionEndsAt(row, config().refreshTokenTtl).toISOString(),
  }));
}

/** How many live sessions each of these users has (users without any are absent). */
export async function liveSessionCounts(userIds: string[]): Promise<Map<string, number>> {
  const groups = await db.session.groupBy({ by: ["userId"], where: { userId: { in: userIds }, ...liveNow() }, _count: { _all: true } });
  return new Map(groups.map((group) => [group.userId, group._count._all]));
}

interface Actor {
  id: string;
  username: string;
}

/**
 * Ends sessions of `user` (all, or all but `except`, or only `only`) and
 * records one logout event. Returns how many were live. Ending all of them
 * ("sign out everywhere", an admin ending a user's sessions) answers a stolen
 * password or browser, so it also forgets the account's trusted devices.
 */
export async function revokeSessions(
  user: Actor,
  client: ClientInfo,
  { only, except }: { only?: string; except?: string } = {},
): Promise<number> {
  const event = { type: "logout" as const, username: user.username, userId: user.id, client };
  const [{ count }] = await db.$transaction([
    db.session.updateMany({
      where: { userId: user.id, revokedAt: null, ...(only ? { id: only } : {}), ...(except ? { id: { not: except } } : {}) },
      data: { revokedAt: new Date() },
    }),
    db.authEvent.create({ data: authEventData(event) }),
    ...(only || except ? [] : [revokeDevices(user.id)]),
  ]);
  if (only) forgetSession(only);
  else forgetUser(user.id);
  logAuthEvent(event);
  return count;
}

/**
 * Inside `tx`: ends every live session of `userId` (their access and refresh
 * tokens stop working) and forgets the account's trusted devices: as with
 * signing out everywhere, its browsers must sign in again to be trusted.
 */
export async function endEverySessionIn(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  await tx.device.deleteMany({ where: { userId } });
}

/**
 * An ADMIN ends every session of user `userId` at once, and forgets their
 * trusted devices: their access tokens are refused by the next DAL check and
 * their refresh tokens no longer refresh.
 * Records `sessions_revoked` for that user (the admin is named in the log line).
 * An unknown user is `not_found`.
 */
export async function endAllSessionsOf(userId: string, admin: Actor, client: ClientInfo): Promise<void> {
  const event = await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, username: true } });
    if (!user) throw new ApiError("not_found", "No such user.");
    await endEverySessionIn(tx, userId);
    const event = { type: "sessions_revoked" as const, username: user.username, userId: user.id, client, actor: admin.username };
    await tx.authEvent.create({ data: authEventData(event) });
    return event;
  });
  forgetUser(userId);
  logAuthEvent(event);
}

/** The live session a refresh token belongs to, for sign-out after the access token has expired. */
export async function sessionByRefreshToken(token: string | undefined): Promise<{ id: string; user: Actor } | null> {
  if (!token || !isWellFormedOpaqueToken(token)) return null;
  return db.session.findFirst({
    where: { refreshTokenHash: hashOpaqueToken(token), revokedAt: null },
    select: { id: true, user: { select: { id: true, username: true } } },
  });
}
