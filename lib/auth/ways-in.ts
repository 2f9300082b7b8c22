/**
 * An account keeps at least one way in: a password, a passkey, or a connected
 * account at a provider this deployment still has. Removing a passkey or
 * disconnecting a provider checks it inside its own transaction, after the
 * removal and with the user's row locked first, so that two removals at once
 * cannot each leave the other as the last way in and then both go.
 */
import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { ApiError } from "@/lib/errors";
import { configuredProviders } from "@/lib/auth/federation/providers";

/** Takes the user's row lock for the rest of the transaction: removals of a way in queue behind each other. */
export async function lockAccount(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
}

/** After a removal in `tx`: 409 `conflict` (and so a rollback) when the account has no way in left. */
export async function assertWayInLeft(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  const providers = configuredProviders().map((provider) => provider.id);
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { passwordHash: true, _count: { select: { passkeys: true, connectedAccounts: { where: { provider: { in: providers } } } } } },
  });
  if (!user || user.passwordHash !== null || user._count.passkeys > 0 || user._count.connectedAccounts > 0) return;
  throw new ApiError("conflict", "This is the last way to sign in to your account: set a password or add a passkey first.");
}

/**
 * Whether the account has a password (one made by a provider has none until
 * its owner sets one), as an SQL expression over the User table aliased
 * `alias`, for a hand-written read (lib/db/sql.ts).
 */
export function hasPasswordSql(alias: string): string {
  return `(${alias}."passwordHash" IS NOT NULL)`;
}
