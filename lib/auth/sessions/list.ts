/**
 * A user's sessions as the gate and the pages read them: the data-access
 * layer's own check (`liveSessionUser`), the list of devices
 * (/api/auth/sessions and the dashboard), counts for the admin page, and the
 * session a refresh token belongs to. Reads only: ending sessions is
 * ./end.ts's job. "Live" means one thing throughout (./lifetime.ts).
 */
import "server-only";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { describeDevice } from "@/lib/auth/sessions/device-name";
import { hashOpaqueToken, isWellFormedOpaqueToken } from "@/lib/auth/opaque-token";
import { liveSessionWhere, sessionEndsAt, sessionKind, type SessionKind } from "@/lib/auth/sessions/lifetime";
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

/** Who a session belongs to, as ending it names them. */
export interface SessionOwner {
  id: string;
  username: string;
}

/** The live session a refresh token belongs to, for sign-out after the access token has expired. */
export async function sessionByRefreshToken(token: string | undefined): Promise<{ id: string; user: SessionOwner } | null> {
  if (!token || !isWellFormedOpaqueToken(token)) return null;
  return db.session.findFirst({
    where: { refreshTokenHash: hashOpaqueToken(token), revokedAt: null },
    select: { id: true, user: { select: { id: true, username: true } } },
  });
}
