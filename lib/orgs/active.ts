/**
 * The organization a session works in: `Session.activeOrgId`, and the
 * membership that makes it usable. One join says it (`activeOrganizationSql`):
 * the data-access layer's check reads it inside its own statement, with the
 * session and its user (lib/auth/sessions/list.ts), and `sessionOrganization`
 * reads it on its own, so that an access token is issued with what the
 * database says now.
 *
 * A session whose user is no longer a member has no active organization: the
 * join finds no membership (and a trigger on Membership clears the column as
 * the membership ends).
 */
import "server-only";
import { sql } from "@/lib/db/client";
import { statement } from "@/lib/db/sql";
import type { Prisma } from "@/lib/db/generated/client";
import type { TokenOrganization } from "@/lib/edge/tokens";
import { ORG_ROLES, type OrgRole } from "@/lib/orgs/roles";

/** The organization a request works in, as the database has it: the role is the membership's. */
export interface ActiveOrganization extends TokenOrganization {
  name: string;
}

/**
 * `sessionOrganization`'s join as SQL for a hand-written read of the Session
 * table aliased `session` (lib/db/sql.ts): the membership and organization of
 * the session's active organization, only if it is `claimed` (an SQL
 * expression), left-joined so that the session's row stays. Its columns:
 * `ACTIVE_ORGANIZATION_COLUMNS`, read back with `activeOrganizationFrom`.
 */
export function activeOrganizationSql(session: string, claimed: string): string {
  return `LEFT JOIN "Membership" am ON am."organizationId" = ${session}."activeOrgId" AND am."userId" = ${session}."userId" AND ${session}."activeOrgId" = ${claimed}
     LEFT JOIN "Organization" ao ON ao."id" = am."organizationId"`;
}

/** The columns `activeOrganizationSql` adds to a row, under the names of an `ActiveOrganizationColumns`. */
export const ACTIVE_ORGANIZATION_COLUMNS = `ao."id"::text AS "orgId", ao."slug" AS "orgSlug", ao."name" AS "orgName", am."role"::text AS "orgRole"`;

/** The organization and role as read (`orgRole` as text); all null when the join found none. */
export interface ActiveOrganizationColumns {
  orgId: string | null;
  orgSlug: string | null;
  orgName: string | null;
  orgRole: string | null;
}

export function activeOrganizationFrom(row: ActiveOrganizationColumns): ActiveOrganization | null {
  const { orgId: id, orgSlug: slug, orgName: name, orgRole: role } = row;
  if (!id || !slug || !name || !role || !(ORG_ROLES as readonly string[]).includes(role)) return null;
  return { id, slug, name, role: role as OrgRole };
}

/** The session's own active organization: the join with the claim being the session's `activeOrgId` itself. */
const SESSION_ORGANIZATION = statement(
  "session_organization",
  `SELECT ${ACTIVE_ORGANIZATION_COLUMNS}
     FROM "Session" s
     ${activeOrganizationSql("s", 's."activeOrgId"')}
    WHERE s."id" = $1::uuid AND s."userId" = $2::uuid`,
);

/**
 * The active organization of session `sessionId` of user `userId`, if the
 * user is a member of it: what a token issued for the session carries. (The
 * data-access layer's check reads it only when the token claims that one
 * organization, with `activeOrganizationSql`: a token can narrow what a
 * request may do, never widen it.)
 */
export async function sessionOrganization(session: { id: string; userId: string }): Promise<ActiveOrganization | null> {
  const [row] = await sql.rows<ActiveOrganizationColumns>(SESSION_ORGANIZATION, [session.id, session.userId]);
  return row ? activeOrganizationFrom(row) : null;
}

/**
 * Takes a share lock on organization `organizationId` for the rest of the
 * transaction, and answers whether it exists: switches to it run side by
 * side, and a change to its members (./organizations.ts `lockOrganization`)
 * waits for them, or they for it.
 */
export async function shareOrganization(tx: Prisma.TransactionClient, organizationId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id"::text AS "id" FROM "Organization" WHERE "id" = ${organizationId}::uuid FOR SHARE`;
  return rows.length === 1;
}

/** Sets the organization session `sessionId` works in (null: none); answers whether the session was live to set. */
export async function setActiveOrganization(tx: Prisma.TransactionClient, sessionId: string, organizationId: string | null): Promise<boolean> {
  const { count } = await tx.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { activeOrgId: organizationId } });
  return count === 1;
}
