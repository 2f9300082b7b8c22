/**
 * Organizations and their memberships as rows: reading them for the API and
 * the pages, and the writes that use cases make inside an auth change's
 * transaction (lib/auth/changes.ts), which is why every write takes `tx`.
 * Who may do what is ./roles.ts's to say; the membership of a request's
 * session is ./active.ts's.
 */
import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import type { OrgRole } from "@/lib/orgs/roles";

type Tx = Prisma.TransactionClient;
type Reader = Tx | typeof db;

export interface OrganizationView {
  id: string;
  name: string;
  slug: string;
  createdAt: string;
}

/** An organization as one of its members sees it: with their role, and how many members it has. */
export interface MemberOrganization extends OrganizationView {
  role: OrgRole;
  members: number;
}

export interface MemberView {
  userId: string;
  username: string;
  name: string;
  role: OrgRole;
  joinedAt: string;
}

const organizationSelect = { id: true, name: true, slug: true, createdAt: true } as const;

function view(row: { id: string; name: string; slug: string; createdAt: Date }): OrganizationView {
  return { id: row.id, name: row.name, slug: row.slug, createdAt: row.createdAt.toISOString() };
}

/** The organizations `userId` belongs to, with their role in each, by name. */
export async function organizationsOf(userId: string): Promise<MemberOrganization[]> {
  const rows = await db.membership.findMany({
    where: { userId },
    select: { role: true, organization: { select: { ...organizationSelect, _count: { select: { memberships: true } } } } },
    orderBy: [{ organization: { name: "asc" } }, { organization: { slug: "asc" } }],
    take: 200,
  });
  return rows.map(({ role, organization }) => ({ ...view(organization), role, members: organization._count.memberships }));
}

/**
 * Organization `where` (its id or its slug) as member `userId` sees it, or
 * null when there is no such organization or `userId` is not in it: the two
 * look alike from outside, so that ids and slugs cannot be probed.
 */
export async function organizationForMember(where: { id: string } | { slug: string }, userId: string, reader: Reader = db): Promise<MemberOrganization | null> {
  const row = await reader.organization.findFirst({
    where: { ...where, memberships: { some: { userId } } },
    select: { ...organizationSelect, memberships: { where: { userId }, select: { role: true } }, _count: { select: { memberships: true } } },
  });
  const role = row?.memberships[0]?.role;
  return row && role ? { ...view(row), role, members: row._count.memberships } : null;
}

/** `userId`'s role in organization `organizationId`, or null for none. */
export async function roleIn(organizationId: string, userId: string, reader: Reader = db): Promise<OrgRole | null> {
  const row = await reader.membership.findUnique({ where: { organizationId_userId: { organizationId, userId } }, select: { role: true } });
  return row?.role ?? null;
}

/** The members, OWNERs first, then ADMINs, then MEMBERs, each by username. */
export async function membersOf(organizationId: string): Promise<MemberView[]> {
  const rows = await db.membership.findMany({
    where: { organizationId },
    select: { role: true, createdAt: true, user: { select: { id: true, username: true, name: true } } },
    orderBy: [{ role: "asc" }, { user: { username: "asc" } }],
    take: 1000,
  });
  return rows.map(({ role, createdAt, user }) => ({ userId: user.id, username: user.username, name: user.name, role, joinedAt: createdAt.toISOString() }));
}

/** Every organization with its member count, for the admin page: the 200 newest. */
export async function allOrganizations(): Promise<(OrganizationView & { members: number })[]> {
  const rows = await db.organization.findMany({
    select: { ...organizationSelect, _count: { select: { memberships: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 200,
  });
  return rows.map((row) => ({ ...view(row), members: row._count.memberships }));
}

/** The current names of these organizations (deleted ones are absent), for the audit trail. */
export async function organizationNames(ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.organization.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
  return new Map(rows.map((row) => [row.id, row.name]));
}

/**
 * Locks organization `organizationId` for the rest of the transaction and
 * answers whether it exists. Every change to its members takes this lock
 * first, so two changes queue instead of each counting the OWNERs before the
 * other's write: two OWNERs removing each other at once cannot leave none.
 */
export async function lockOrganization(tx: Tx, organizationId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id"::text AS "id" FROM "Organization" WHERE "id" = ${organizationId}::uuid FOR UPDATE`;
  return rows.length === 1;
}

export function ownerCount(tx: Tx, organizationId: string): Promise<number> {
  return tx.membership.count({ where: { organizationId, role: "OWNER" } });
}

/** A new organization with `ownerId` as its OWNER. A taken slug is a unique violation (the caller's 409). */
export async function insertOrganization(tx: Tx, { name, slug, ownerId }: { name: string; slug: string; ownerId: string }): Promise<OrganizationView> {
  return view(
    await tx.organization.create({
      data: { name, slug, memberships: { create: { userId: ownerId, role: "OWNER" } } },
      select: organizationSelect,
    }),
  );
}

export async function updateOrganization(tx: Tx, organizationId: string, changes: { name?: string | undefined; slug?: string | undefined }): Promise<OrganizationView> {
  return view(await tx.organization.update({ where: { id: organizationId }, data: changes, select: organizationSelect }));
}

/** The ids of the organization's members: whose sessions a change to it must make every instance forget. */
export async function memberIds(tx: Tx, organizationId: string): Promise<string[]> {
  const rows = await tx.membership.findMany({ where: { organizationId }, select: { userId: true } });
  return rows.map((row) => row.userId);
}

/** Deletes the organization with its memberships, invitations and posts; the sessions working in it work in none. */
export async function removeOrganization(tx: Tx, organizationId: string): Promise<void> {
  await tx.organization.delete({ where: { id: organizationId } });
}

export async function insertMembership(tx: Tx, organizationId: string, userId: string, role: OrgRole): Promise<void> {
  await tx.membership.create({ data: { organizationId, userId, role } });
}

export async function setRole(tx: Tx, organizationId: string, userId: string, role: OrgRole): Promise<void> {
  await tx.membership.update({ where: { organizationId_userId: { organizationId, userId } }, data: { role } });
}

/** Ends the membership; the database takes the organization out of the user's sessions (a trigger on Membership). */
export async function deleteMembership(tx: Tx, organizationId: string, userId: string): Promise<void> {
  await tx.membership.delete({ where: { organizationId_userId: { organizationId, userId } } });
}
