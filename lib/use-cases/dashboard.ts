/**
 * What the dashboard shows besides the session itself: the posts (the
 * organization's, or the reader's own), their live sessions, two-factor state,
 * connected accounts and whether they have a password, in one hand-written
 * statement (lib/db/sql.ts) instead of a query for each. Every signed-in page
 * view pays for it, and PostgreSQL plans it once per connection. Each part's
 * SQL and its rows' meaning stay with their concept (lib/posts/queries.ts,
 * lib/auth/sessions/list.ts, lib/auth/second-factor/enrolment.ts,
 * lib/auth/federation/accounts.ts, lib/auth/ways-in.ts), beside the Prisma
 * queries the API answers with, so the page and the API list the same things.
 *
 * Reads only: the page starts it before its session check has answered
 * (lib/auth/dal.ts `requirePageSessionWith`), with the posts of the
 * organization the token claims. Which organization the session works in is
 * the check's to say, from the database: should it say another (or none), the
 * posts are read again for that one, and the first read is dropped unseen.
 */
import "server-only";
import type { PageReader } from "@/lib/auth/dal";
import { connectionsFromJson, connectionsJson, type ConnectionJson, type ConnectionView } from "@/lib/auth/federation/accounts";
import { totpStateSql, totpStatusOf, type TotpStateRow, type TotpStatus } from "@/lib/auth/second-factor/enrolment";
import { idleSince } from "@/lib/auth/sessions/lifetime";
import { liveSessionsJson, sessionsFromJson, type SessionJson, type SessionView } from "@/lib/auth/sessions/list";
import { hasPasswordSql } from "@/lib/auth/ways-in";
import { config } from "@/lib/config";
import { sql } from "@/lib/db/client";
import { statement, utcParameter } from "@/lib/db/sql";
import type { ActiveOrganization } from "@/lib/orgs/active";
import { listOrganizationPosts, listOwnPosts, postsJson, type PostView } from "@/lib/posts/queries";

export interface DashboardData {
  /** The organization whose posts `posts` are; null for the reader's personal posts. */
  postsOf: string | null;
  posts: PostView[];
  sessions: SessionView[];
  totp: TotpStatus;
  connections: ConnectionView[];
  hasPassword: boolean;
}

/** $1 the reader's id, $2 now, $3 the moment before which a cookie session is idle; with `posts` naming $4, the organization. */
const dashboardSql = (posts: string) =>
  `SELECT ${totpStateSql("u")}, ${hasPasswordSql("u")} AS "hasPassword",
          ${posts} AS "posts",
          ${liveSessionsJson('u."id"', utcParameter(2), utcParameter(3))} AS "sessions",
          ${connectionsJson('u."id"')} AS "connections"
     FROM "User" u
    WHERE u."id" = $1::uuid`;

const PERSONAL = statement("dashboard", dashboardSql(postsJson({ author: { id: 'u."id"', username: 'u."username"' } })));
const IN_ORGANIZATION = statement("dashboard_org", dashboardSql(postsJson({ orgId: "$4::uuid" })));

type DashboardRow = TotpStateRow & { hasPassword: boolean; posts: PostView[]; sessions: SessionJson[]; connections: ConnectionJson[] };

export async function dashboardData({ userId, sessionId, orgClaim }: PageReader): Promise<DashboardData> {
  const now = new Date();
  const values = [userId, now, idleSince(now, config().refreshTokenTtl)];
  const [row] = orgClaim ? await sql.rows<DashboardRow>(IN_ORGANIZATION, [...values, orgClaim]) : await sql.rows<DashboardRow>(PERSONAL, values);
  return {
    postsOf: orgClaim,
    posts: row?.posts ?? [],
    sessions: row ? sessionsFromJson(row.sessions, sessionId) : [],
    totp: await totpStatusOf(row, userId, sessionId),
    connections: row ? connectionsFromJson(row.connections) : [],
    hasPassword: row?.hasPassword ?? false,
  };
}

/** The posts the dashboard shows, once the check has said which organization (`org`) the session works in. */
export async function dashboardPosts(data: DashboardData, userId: string, org: ActiveOrganization | null): Promise<PostView[]> {
  if ((org?.id ?? null) === data.postsOf) return data.posts;
  return org ? listOrganizationPosts(org.id) : listOwnPosts(userId);
}
