/**
 * Invitations as rows: one per address and organization while it is pending,
 * known by the SHA-256 of its link's token (the use case makes the token,
 * lib/use-cases/invitations.ts, and only the hash comes here). A link works
 * for 7 days and once: accepting stamps `acceptedAt` in the transaction that
 * adds the membership, and the row stays as the record of who was invited;
 * withdrawing deletes it. Used, expired, withdrawn and unknown look alike.
 */
import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import type { OrgRole } from "@/lib/orgs/roles";

type Tx = Prisma.TransactionClient;

export const INVITATION_LIFETIME_SECONDS = 7 * 24 * 60 * 60;

export interface InvitationView {
  id: string;
  email: string;
  role: OrgRole;
  /** The username of whoever sent it; null once that account is deleted. */
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
}

/** A live invitation behind a link, with the organization it is to. */
export interface OpenInvitation {
  id: string;
  email: string;
  role: OrgRole;
  expiresAt: Date;
  organization: { id: string; name: string; slug: string };
}

const viewSelect = { id: true, email: true, role: true, createdAt: true, expiresAt: true, invitedBy: { select: { username: true } } } as const;

function view(row: { id: string; email: string; role: OrgRole; createdAt: Date; expiresAt: Date; invitedBy: { username: string } | null }): InvitationView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy: row.invitedBy?.username ?? null,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

function pending(now = new Date()) {
  return { acceptedAt: null, expiresAt: { gt: now } };
}

/**
 * A new invitation of `email` to the organization as `role`, replacing any
 * pending one for the same address there: the newest link is the one that works.
 */
export async function insertInvitation(
  tx: Tx,
  { organizationId, email, role, tokenHash, invitedById }: { organizationId: string; email: string; role: OrgRole; tokenHash: string; invitedById: string },
): Promise<InvitationView> {
  await tx.invitation.deleteMany({ where: { organizationId, email, acceptedAt: null } });
  const expiresAt = new Date(Date.now() + INVITATION_LIFETIME_SECONDS * 1000);
  return view(await tx.invitation.create({ data: { organizationId, email, role, tokenHash, invitedById, expiresAt }, select: viewSelect }));
}

/** The invitations still waiting for an answer, newest first. */
export async function pendingInvitations(organizationId: string): Promise<InvitationView[]> {
  const rows = await db.invitation.findMany({ where: { organizationId, ...pending() }, select: viewSelect, orderBy: [{ createdAt: "desc" }, { id: "asc" }], take: 500 });
  return rows.map(view);
}

/** A pending invitation of the organization, by id (the role decides who may withdraw it), or null. */
export async function pendingInvitation(tx: Tx, organizationId: string, id: string): Promise<{ id: string; email: string; role: OrgRole } | null> {
  return tx.invitation.findFirst({ where: { id, organizationId, ...pending() }, select: { id: true, email: true, role: true } });
}

export async function deleteInvitation(tx: Tx, id: string): Promise<void> {
  await tx.invitation.deleteMany({ where: { id } });
}

/** The pending invitation whose token hashes to `tokenHash`, or null (used, expired, withdrawn or unknown). */
export async function openInvitation(tokenHash: string, reader: Tx | typeof db = db): Promise<OpenInvitation | null> {
  const row = await reader.invitation.findFirst({
    where: { tokenHash, ...pending() },
    select: { id: true, email: true, role: true, expiresAt: true, organization: { select: { id: true, name: true, slug: true } } },
  });
  return row;
}

/**
 * Marks invitation `id` used, if it still is pending: of two requests with one
 * link, exactly one gets true.
 */
export async function markAccepted(tx: Tx, id: string): Promise<boolean> {
  const { count } = await tx.invitation.updateMany({ where: { id, ...pending() }, data: { acceptedAt: new Date() } });
  return count === 1;
}
