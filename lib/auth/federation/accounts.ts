/**
 * Connected accounts: the identities at outside providers that sign in to a
 * user, keyed by issuer and subject (unique), with the provider, the email the
 * provider last showed, and when it was connected and last used.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { isoText } from "@/lib/db/sql";
import type { Prisma } from "@/lib/db/generated/client";
import { commitAuthChange } from "@/lib/auth/changes";
import { assertWayInLeft, lockAccount } from "@/lib/auth/ways-in";
import type { SessionUser } from "@/lib/auth/sessions/start";
import type { Identity } from "@/lib/auth/federation/protocol";
import { providerViews, type ProviderId } from "@/lib/auth/federation/providers";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";
import type { AdminViewer } from "@/lib/users/access";

/** A connection as its owner (or an ADMIN) sees it. */
export interface ConnectionView {
  id: string;
  provider: string;
  /** The provider's label when it is still configured here; else its id. */
  providerLabel: string;
  email: string | null;
  createdAt: string;
  lastUsedAt: string;
}

const connectionSelect = { id: true, provider: true, email: true, createdAt: true, lastUsedAt: true } as const;

function providerLabel(id: string): string {
  return providerViews().find((provider) => provider.id === id)?.label ?? id;
}

function toView(row: { id: string; provider: string; email: string | null; createdAt: Date; lastUsedAt: Date }): ConnectionView {
  return { ...row, providerLabel: providerLabel(row.provider), createdAt: row.createdAt.toISOString(), lastUsedAt: row.lastUsedAt.toISOString() };
}

/** The user this identity is connected to, if any. */
export async function connectionOf(identity: Pick<Identity, "issuer" | "subject">): Promise<{ id: string; userId: string } | null> {
  return db.connectedAccount.findUnique({ where: { issuer_subject: { issuer: identity.issuer, subject: identity.subject } }, select: { id: true, userId: true } });
}

/** The write that connects `identity` to `userId`, for a transaction of the caller's (a sign-in's). */
export function connectWrite(userId: string, provider: ProviderId, identity: Identity, now = new Date()): Prisma.PrismaPromise<unknown> {
  return db.connectedAccount.create({
    data: { userId, provider, issuer: identity.issuer, subject: identity.subject, email: identity.email, createdAt: now, lastUsedAt: now },
  });
}

/** The write that marks a known connection used now, with the email the provider shows today. */
export function touchWrite(connectionId: string, identity: Identity, now = new Date()): Prisma.PrismaPromise<unknown> {
  return db.connectedAccount.update({ where: { id: connectionId }, data: { lastUsedAt: now, email: identity.email } });
}

export async function listConnections(userId: string): Promise<ConnectionView[]> {
  const rows = await db.connectedAccount.findMany({ where: { userId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: connectionSelect });
  return rows.map(toView);
}

/** A connection of `connectionsJson` as it arrives: a ConnectionView without its label. */
export type ConnectionJson = Omit<ConnectionView, "providerLabel">;

/**
 * `listConnections` as SQL, for a hand-written read that takes it with more
 * (lib/db/sql.ts): one JSON array, in the same order, of the connections of
 * the user `userId` (an SQL expression). `connectionsFromJson` labels them.
 */
export function connectionsJson(userId: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', c."id", 'provider', c."provider", 'email', c."email",
                 'createdAt', ${isoText('c."createdAt"')}, 'lastUsedAt', ${isoText('c."lastUsedAt"')}) ORDER BY c."createdAt" ASC, c."id" ASC), '[]'::json)
     FROM "ConnectedAccount" c WHERE c."userId" = ${userId})`;
}

export function connectionsFromJson(rows: ConnectionJson[]): ConnectionView[] {
  return rows.map((row) => ({ ...row, providerLabel: providerLabel(row.provider) }));
}

/** Connections of these users, for an ADMIN's user list (the type asks for one: nobody else may see them). */
export async function connectionsOf(_admin: AdminViewer, userIds: string[]): Promise<Map<string, ConnectionView[]>> {
  const rows = await db.connectedAccount.findMany({
    where: { userId: { in: userIds } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { ...connectionSelect, userId: true },
  });
  const byUser = new Map<string, ConnectionView[]>();
  for (const { userId, ...row } of rows) byUser.set(userId, [...(byUser.get(userId) ?? []), toView(row)]);
  return byUser;
}

/** Whether `userId` has a connection at `provider`: the way a password-less account steps up. */
export async function hasConnection(userId: string, provider: ProviderId): Promise<boolean> {
  return (await db.connectedAccount.count({ where: { userId, provider } })) > 0;
}

/**
 * Disconnects one of the user's connections; another user's is "not found".
 * Refused with 409 when it is the account's last way in (./../ways-in.ts).
 */
export async function disconnect(user: SessionUser, id: string, client: ClientInfo): Promise<void> {
  await commitAuthChange(async (tx, change) => {
    await lockAccount(tx, user.id);
    const { count } = await tx.connectedAccount.deleteMany({ where: { id, userId: user.id } });
    if (count !== 1) throw new ApiError("not_found", "No such connected account.");
    await assertWayInLeft(tx, user.id);
    await change.record({ type: "account_disconnected", userId: user.id, username: user.username, client });
  });
}
