/**
 * When a session is live, decided in this one module. A session ends at the
 * first of:
 *
 * - its revocation (`revokedAt`): sign-out, "sign out everywhere", a password
 *   change, refresh-token reuse, or an ADMIN ending the user's sessions;
 * - its absolute end (`expiresAt`): SESSION_MAX_AGE after sign-in for a cookie
 *   session; for a Bearer session (POST /api/auth/token, no refresh token) the
 *   expiry of its one access token, since nothing can renew it;
 * - for a cookie session, REFRESH_TOKEN_TTL without a refresh (`lastUsedAt`):
 *   its refresh token has expired by then, so the session is over even if a
 *   long-lived access token of it is still around.
 *
 * The rule exists in three forms, side by side so they cannot drift apart: a
 * Prisma filter (`liveSessionWhere`), used by the sessions list and the admin
 * page; the same as SQL (`liveSessionSql`), for the dashboard's one
 * statement; and `sessionEndReason` for a row already read, used by the
 * data-access layer's gate (which reads the session's times with its user in
 * one hand-written statement) and by the refresh route, which must say *why*
 * it refuses. A session a list shows is one the gate accepts: the forms are
 * tested against the same sessions. `endedSessionWhere` is the complement,
 * moved into the past, for deleting sessions that ended long ago.
 */
import type { Prisma } from "@/lib/db/generated/client";

/** How the client holds the session: cookies with a refresh token, or one Bearer access token. */
export type SessionKind = "cookie" | "bearer";

export interface SessionTimes {
  refreshTokenHash: string | null;
  revokedAt: Date | null;
  expiresAt: Date;
  lastUsedAt: Date;
}

function secondsBefore(moment: Date, seconds: number): Date {
  return new Date(moment.getTime() - seconds * 1000);
}

/** Only cookie sessions carry a refresh token (its hash); a Bearer session never has one. */
export function sessionKind(session: Pick<SessionTimes, "refreshTokenHash">): SessionKind {
  return session.refreshTokenHash === null ? "bearer" : "cookie";
}

/** Sessions live at `now`; `idleSeconds` is REFRESH_TOKEN_TTL. Spread it into a `where` beside other fields. */
export function liveSessionWhere(now: Date, idleSeconds: number) {
  return {
    revokedAt: null,
    expiresAt: { gt: now },
    OR: [{ refreshTokenHash: null }, { lastUsedAt: { gt: secondsBefore(now, idleSeconds) } }],
  } satisfies Prisma.SessionWhereInput;
}

/** The moment before which a cookie session unused since is idle at `now`; `idleSeconds` is REFRESH_TOKEN_TTL. */
export function idleSince(now: Date, idleSeconds: number): Date {
  return secondsBefore(now, idleSeconds);
}

/**
 * `liveSessionWhere` as an SQL condition on the Session table aliased `alias`,
 * for hand-written reads (lib/db/sql.ts): `now` and `idle` are SQL
 * expressions for the moments `now` and `idleSince(now, …)`.
 */
export function liveSessionSql(alias: string, now: string, idle: string): string {
  return `${alias}."revokedAt" IS NULL AND ${alias}."expiresAt" > ${now} AND (${alias}."refreshTokenHash" IS NULL OR ${alias}."lastUsedAt" > ${idle})`;
}

/** Sessions that had ended, for any of the three reasons, by `moment`. */
export function endedSessionWhere(moment: Date, idleSeconds: number) {
  return {
    OR: [
      { revokedAt: { lte: moment } },
      { expiresAt: { lte: moment } },
      { refreshTokenHash: { not: null }, lastUsedAt: { lte: secondsBefore(moment, idleSeconds) } },
    ],
  } satisfies Prisma.SessionWhereInput;
}

/** Why a session is over at `now`, or null while it is live: the in-memory twin of `liveSessionWhere`. */
export function sessionEndReason(session: SessionTimes, now: Date, idleSeconds: number): "revoked" | "expired" | "idle" | null {
  if (session.revokedAt) return "revoked";
  if (session.expiresAt <= now) return "expired";
  if (sessionKind(session) === "cookie" && session.lastUsedAt <= secondsBefore(now, idleSeconds)) return "idle";
  return null;
}

/** When a live session ends if nobody uses it again: its absolute end, or sooner when it would sit idle too long. */
export function sessionEndsAt(session: Omit<SessionTimes, "revokedAt">, idleSeconds: number): Date {
  if (sessionKind(session) === "bearer") return session.expiresAt;
  const idleEnd = new Date(session.lastUsedAt.getTime() + idleSeconds * 1000);
  return idleEnd < session.expiresAt ? idleEnd : session.expiresAt;
}
