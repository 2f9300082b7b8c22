/**
 * Ending sessions: one, all but the current one, or all of a user's (signing
 * out, the sessions list, signing out everywhere), or every session of a user
 * at an ADMIN's request. Reading them is ./list.ts's job.
 */
import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { authEventData, logAuthEvent } from "@/lib/auth/audit-events";
import { revokeDevices } from "@/lib/auth/sign-in/trusted-devices";
import { forgetSession, forgetUser } from "@/lib/auth/sessions/process-cache";
import type { SessionOwner } from "@/lib/auth/sessions/list";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/http/client-info";

/**
 * Ends sessions of `user` (all, or all but `except`, or only `only`) and
 * records one logout event. Returns how many were live. Ending all of them
 * ("sign out everywhere", an admin ending a user's sessions) answers a stolen
 * password or browser, so it also forgets the account's trusted devices.
 */
export async function revokeSessions(
  user: SessionOwner,
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
  if (only) forgetSession(only);
  else forgetUser(user.id);
  logAuthEvent(event);
  return count;
}

/**
 * Inside `tx`: ends every live session of `userId` (their access and refresh
 * tokens stop working) and forgets the account's trusted devices: as with
 * signing out everywhere, its browsers must sign in again to be trusted.
 */
export async function endEverySessionIn(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  await tx.device.deleteMany({ where: { userId } });
}

/**
 * An ADMIN ends every session of user `userId` at once, and forgets their
 * trusted devices: their access tokens are refused by the next DAL check and
 * their refresh tokens no longer refresh.
 * Records `sessions_revoked` for that user (the admin is named in the log line).
 * An unknown user is `not_found`.
 */
export async function endAllSessionsOf(userId: string, admin: SessionOwner, client: ClientInfo): Promise<void> {
  const event = await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, username: true } });
    if (!user) throw new ApiError("not_found", "No such user.");
    await endEverySessionIn(tx, userId);
    const event = { type: "sessions_revoked" as const, username: user.username, userId: user.id, client, actor: admin.username };
    await tx.authEvent.create({ data: authEventData(event) });
    return event;
  });
  forgetUser(userId);
  logAuthEvent(event);
}
