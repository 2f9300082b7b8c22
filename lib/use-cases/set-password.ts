/**
 * Setting a new password, the one path that a password change (lib/use-cases/users.ts)
 * and a reset by link (lib/use-cases/recovery.ts) share: the policy, the hash,
 * and, inside the change's transaction, the hash written, the account's reset
 * links dropped and its trusted devices forgotten. Which sessions end, and
 * which event and notice follow, is each caller's: a change keeps the session
 * that made it, a reset ends them all.
 */
import "server-only";
import type { Prisma } from "@/lib/db/generated/client";
import { dropAccountTokens } from "@/lib/auth/account-tokens";
import { hashPassword } from "@/lib/auth/passwords/hash";
import { assertPasswordAllowed } from "@/lib/auth/passwords/policy";

/** The hash of `password`, once the policy allows it (a common or breached password is a 400). */
export async function allowedPasswordHash(password: string): Promise<string> {
  await assertPasswordAllowed(password);
  return hashPassword(password);
}

/** Inside a change's transaction: the new hash, and what a new password must end. */
export async function writeNewPassword(tx: Prisma.TransactionClient, userId: string, passwordHash: string): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { passwordHash } });
  // A reset link handed out or mailed before must not set the password back over the new one.
  await dropAccountTokens(tx, userId, "reset-password");
  // A new password answers a stolen one: the account's browsers must sign in again to be trusted.
  await tx.device.deleteMany({ where: { userId } });
}
