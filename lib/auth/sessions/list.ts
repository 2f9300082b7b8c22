/**
 * A user's sessions as the gate and the pages read them: the data-access
 * layer's own check (`liveSessionUser`), the list of devices
 * (/api/auth/sessions and the dashboard), counts for the admin page, and the
 * session a refresh token belongs to. Reads only: ending sessions is
 * ./end.ts's job. "Live" means one thing throughout (./lifetime.ts).
 */
import "server-only";
import { db, sql } from "@/lib/db/client";
import { isoText, statement, type Sql } from "@/lib/db/sql";
import { config } from "@/lib/config";
import { describeDevice } from "@/lib/auth/sessions/device-name";
import { hashOpaqueToken, isWellFormedOpaqueToken } from "@/lib/auth/opaque-token";
import { liveSessionSql, liveSessionWhere, sessionEndReason, sessionEndsAt, sessionKind, type SessionKind, type SessionTimes } from "@/lib/auth/sessions/lifetime";
import { ACTIVE_ORGANIZATION_COLUMNS, activeOrganizationFrom, activeOrganizationSql, type ActiveOrganization, type ActiveOrganizationColumns } from "@/lib/orgs/active";
import { publicUserColumns, type PublicUserRow } from "@/lib/users/access";

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
  /** The organization the session works in, if it is the one asked about (`orgClaim`) and the user is a member of it; else null. */
  org: ActiveOrganization | null;
}

type SessionUserRow = PublicUserRow & SessionTimes;

/** The session and its user, by the session's id and the user the token names: $1 the session, $2 the user. */
const sessionUserSql = (orgJoin = "", orgColumns = "") =>
  `SELECT ${publicUserColumns("u")}, s."refreshTokenHash", s."revokedAt", s."expiresAt", s."lastUsedAt"${orgColumns}
     FROM "Session" s JOIN "User" u ON u."id" = s."userId"
     ${orgJoin}
    WHERE s."id" = $1::uuid AND s."userId" = $2::uuid`;

const SESSION_USER = statement("session_user", sessionUserSql());
/** The same, with the session's active organization if it is $3 (lib/orgs/active.ts). */
const SESSION_USER_ORG = statement("session_user_org", sessionUserSql(activeOrganizationSql("s", "$3::uuid"), `, ${ACTIVE_ORGANIZATION_COLUMNS}`));

/**
 * The data-access layer's session check, in one statement: the user
 * `userId`, if session `sessionId` is theirs and live; null otherwise. Every
 * signed-in request without a session-cache answer pays for it, so it is
 * hand-written SQL (lib/db/sql.ts) rather than a Prisma call: the session's
 * times are read with the user and judged by the liveness rule's in-memory
 * form (./lifetime.ts), at now and, with `horizon`, at that later moment (the
 * session cache may keep the answer that long). With `orgClaim` (the token's
 * `org`), the same statement reads the membership there too, so a session
 * working in an organization costs no more round trips than one working in
 * none, which reads no membership at all.
 */
export async function liveSessionUser(
  session: { id: string; userId: string },
  { horizon, orgClaim, client = sql }: { horizon?: Date; orgClaim?: string | null; client?: Pick<Sql, "rows"> } = {},
): Promise<LiveSession | null> {
  const [row] = orgClaim
    ? await client.rows<SessionUserRow & ActiveOrganizationColumns>(SESSION_USER_ORG, [session.id, session.userId, orgClaim])
    : await client.rows<SessionUserRow>(SESSION_USER, [session.id, session.userId]);
  const idleSeconds = config().refreshTokenTtl;
  if (!row || sessionEndReason(row, new Date(), idleSeconds) !== null) return null;
  const user: PublicUserRow = { id: row.id, username: row.username, name: row.name, dob: row.dob, email: row.email, emailVerifiedAt: row.emailVerifiedAt, role: row.role, createdAt: row.createdAt };
  const org = orgClaim ? activeOrganizationFrom(row as SessionUserRow & ActiveOrganizationColumns) : null;
  return { user, liveAtHorizon: horizon !== undefined && sessionEndReason(row, horizon, idleSeconds) === null, org };
}

/** When the user of session `sessionId` last proved who they are (sign-in or re-authentication); null for no such session. */
export async function sessionAuthTime(sessionId: string): Promise<Date | null> {
  const row = await db.session.findUnique({ where: { id: sessionId }, select: { authTime: true } });
  return row?.authTime ?? null;
}

/** How many sessions a list shows at most. */
const SESSION_LIST_LIMIT = 100;

/** What a list reads of each session. */
interface SessionListRow {
  id: string;
  refreshTokenHash: string | null;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

function toSessionView(row: SessionListRow, currentSessionId: string): SessionView {
  return {
    id: row.id,
    current: row.id === currentSessionId,
    kind: sessionKind(row),
    device: describeDevice(row.userAgent),
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    expiresAt: sessionEndsAt(row, config().refreshTokenTtl).toISOString(),
  };
}

/** Live sessions only, newest first: revoked, expired and idle ones are gone from the list as from the gate. */
export async function listSessions(userId: string, currentSessionId: string): Promise<SessionView[]> {
  const rows = await db.session.findMany({
    where: { userId, ...liveNow() },
    orderBy: [{ lastUsedAt: "desc" }, { id: "asc" }],
    select: { id: true, refreshTokenHash: true, userAgent: true, ip: true, createdAt: true, lastUsedAt: true, expiresAt: true },
    take: SESSION_LIST_LIMIT,
  });
  return rows.map((row) => toSessionView(row, currentSessionId));
}

/** A session of `liveSessionsJson` as it arrives: its moments as ISO text. */
export type SessionJson = Omit<SessionListRow, "createdAt" | "lastUsedAt" | "expiresAt"> & { createdAt: string; lastUsedAt: string; expiresAt: string };

/**
 * `listSessions` as SQL, for a hand-written read that takes it with more
 * (lib/db/sql.ts): one JSON array, in the same order, of the live sessions of
 * the user `userId`; `now` and `idle` are SQL expressions for the moments of
 * `liveSessionSql`. `sessionsFromJson` turns it into the same list.
 */
export function liveSessionsJson(userId: string, now: string, idle: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', s."id", 'refreshTokenHash', s."refreshTokenHash", 'userAgent', s."userAgent", 'ip', s."ip",
                 'createdAt', ${isoText('s."createdAt"')}, 'lastUsedAt', ${isoText('s."lastUsedAt"')}, 'expiresAt', ${isoText('s."expiresAt"')})
                 ORDER BY s."lastUsedAt" DESC, s."id" ASC), '[]'::json)
     FROM (SELECT * FROM "Session" s WHERE s."userId" = ${userId} AND ${liveSessionSql("s", now, idle)}
           ORDER BY s."lastUsedAt" DESC, s."id" ASC LIMIT ${SESSION_LIST_LIMIT}) s)`;
}

export function sessionsFromJson(rows: SessionJson[], currentSessionId: string): SessionView[] {
  return rows.map((row) =>
    toSessionView({ ...row, createdAt: new Date(row.createdAt), lastUsedAt: new Date(row.lastUsedAt), expiresAt: new Date(row.expiresAt) }, currentSessionId),
  );
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
