/**
 * A user's passkeys as their owner manages them: the list, renaming and
 * removing one, and the credentials a ceremony names.
 */
import "server-only";
import { assertWayInLeft, lockAccount } from "@/lib/auth/ways-in";
import { db } from "@/lib/db/client";
import { commitAuthChange } from "@/lib/auth/changes";
import type { SessionUser } from "@/lib/auth/sessions/start";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";

/** A passkey as its owner sees it in the list. */
export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  deviceType: string;
  backedUp: boolean;
}

/** The user's credentials as a ceremony's options name them, oldest first. */
export async function credentialsOf(userId: string) {
  const rows = await db.passkey.findMany({ where: { userId }, select: { id: true, transports: true }, orderBy: { createdAt: "asc" } });
  return rows.map(({ id, transports }) => ({ id, transports }));
}

export function passkeyView(row: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; deviceType: string; backedUp: boolean }): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    deviceType: row.deviceType,
    backedUp: row.backedUp,
  };
}

/** The user's passkeys, oldest first. */
export async function listPasskeys(userId: string): Promise<PasskeyView[]> {
  const rows = await db.passkey.findMany({
    where: { userId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, deviceType: true, backedUp: true },
  });
  return rows.map(passkeyView);
}

/** Whether the user has a passkey at all: the pages offer one only then. */
export async function hasPasskeys(userId: string): Promise<boolean> {
  return (await db.passkey.count({ where: { userId }, take: 1 })) > 0;
}

/** Renames one of the user's passkeys; another user's is "not found". */
export async function renamePasskey(userId: string, id: string, name: string): Promise<void> {
  const { count } = await db.passkey.updateMany({ where: { id, userId }, data: { name } });
  if (count !== 1) throw new ApiError("not_found", "No such passkey.");
}

/** Removes one of the user's passkeys; another user's is "not found". Refused with 409 when it is the account's last way in. */
export async function removePasskey(user: SessionUser, id: string, client: ClientInfo): Promise<void> {
  await commitAuthChange(async (tx, change) => {
    await lockAccount(tx, user.id);
    const { count } = await tx.passkey.deleteMany({ where: { id, userId: user.id } });
    if (count !== 1) throw new ApiError("not_found", "No such passkey.");
    await assertWayInLeft(tx, user.id);
    await change.record({ type: "passkey_removed", userId: user.id, username: user.username, client });
  });
}
