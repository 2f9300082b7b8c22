/**
 * A user's sessions as a list of devices, and ending them one by one or all at
 * once (SPEC §5 /api/auth/sessions, §9 dashboard). Callers have passed the DAL.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { authEventData, logAuthEvent } from "@/lib/auth/events";
import { describeDevice } from "@/lib/auth/device";
import { revokeDevices } from "@/lib/auth/trusted-devices";
import { hashRefreshToken, isWellFormedRefreshToken } from "@/lib/auth/refresh-token";
import type { ClientInfo } from "@/lib/http/client-info";

export interface SessionView {
  id: string;
  current: boolean;
  device: string;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
}

/** Live sessions only: not revoked and not past their absolute end. Newest first. */
export async function listSessions(userId: string, currentSessionId: string): Promise<SessionView[]> {
  const rows = await db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: [{ lastUsedAt: "desc" }, { id: "asc" }],
    select: { id: true, userAgent: true, ip: true, createdAt: true, lastUsedAt: true, expiresAt: true },
    take: 100,
  });
  return rows.map((row) => ({
    id: row.id,
    current: row.id === currentSessionId,
    device: describeDevice(row.userAgent),
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  }));
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
  logAuthEvent(event);
  return count;
}

/** The live session a refresh token belongs to, for sign-out after the access token has expired. */
export async function sessionByRefreshToken(token: string | undefined): Promise<{ id: string; user: Actor } | null> {
  if (!token || !isWellFormedRefreshToken(token)) return null;
  return db.session.findFirst({
    where: { refreshTokenHash: hashRefreshToken(token), revokedAt: null },
    select: { id: true, user: { select: { id: true, username: true } } },
  });
}
