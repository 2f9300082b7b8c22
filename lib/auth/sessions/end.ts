/**
 * Ending sessions, with one verb: one session, all but the current one, or
 * all of a user's (signing out, the sessions list, signing out everywhere),
 * or all of them at an ADMIN's request. Ending all of them answers a stolen
 * password or browser, so it also forgets the account's trusted devices.
 * Reading sessions is ./list.ts's job.
 */
import "server-only";
import type { Prisma } from "@/lib/db/generated/client";
import { commitAuthChange } from "@/lib/auth/changes";
import type { SessionOwner } from "@/lib/auth/sessions/list";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";

export interface EndSessions {
  /** Whose sessions: the signed-in account, or (with `admin`) the user of this id. */
  user: SessionOwner | { id: string };
  /** Only this session; or every one but this session; with neither, every session and the trusted devices. */
  only?: string;
  except?: string;
  /** The ADMIN ending someone's sessions: `sessions_revoked` (naming them in the log) instead of `logout`; an unknown user is `not_found`. */
  admin?: SessionOwner;
  client: ClientInfo;
}

/**
 * Inside a change's transaction: ends every live session of `userId` (their
 * access and refresh tokens stop working) and forgets the account's trusted
 * devices: its browsers must sign in again to be trusted.
 */
export async function endSessionsIn(tx: Prisma.TransactionClient, userId: string): Promise<number> {
  const { count } = await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  await tx.device.deleteMany({ where: { userId } });
  return count;
}

/**
 * Ends the sessions `request` names and records one event: `logout`, or
 * `sessions_revoked` when an ADMIN did it. Answers how many were live. An
 * access token of an ended session is refused by the next session check, and
 * its refresh token no longer refreshes.
 */
export async function endSessions({ user, only, except, admin, client }: EndSessions): Promise<number> {
  return commitAuthChange(async (tx, change) => {
    const owner = "username" in user && !admin ? user : await tx.user.findUnique({ where: { id: user.id }, select: { id: true, username: true } });
    if (!owner) throw new ApiError("not_found", "No such user.");
    let count: number;
    if (only || except) {
      ({ count } = await tx.session.updateMany({
        where: { userId: owner.id, revokedAt: null, ...(only ? { id: only } : {}), ...(except ? { id: { not: except } } : {}) },
        data: { revokedAt: new Date() },
      }));
    } else {
      count = await endSessionsIn(tx, owner.id);
    }
    await change.record(
      admin
        ? { type: "sessions_revoked", username: owner.username, userId: owner.id, client, actor: admin.username }
        : { type: "logout", username: owner.username, userId: owner.id, client },
    );
    change.forget(only ? { sessions: [only] } : { users: [owner.id] });
    return count;
  });
}
