/**
 * One-time links: confirming an email address (24 hours), setting a new
 * password (30 minutes) and signing in by email (15 minutes). The token is 256 random bits that travel only in the
 * link; the database keeps its SHA-256 (lib/auth/opaque-token.ts), so a
 * database leak opens no account. Taking a token deletes its row in the same
 * transaction as what it does: a second use, however close behind, finds
 * nothing and gets 410 `token_invalid`, as an expired or unknown one does.
 */
import "server-only";
import type { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/errors";
import { generateOpaqueToken, hashOpaqueToken, isWellFormedOpaqueToken } from "@/lib/auth/opaque-token";

export type AccountTokenPurpose = "verify-email" | "reset-password" | "email-sign-in";

/** How long a link works, in seconds. */
export const ACCOUNT_TOKEN_LIFETIME: Record<AccountTokenPurpose, number> = {
  "verify-email": 24 * 60 * 60,
  "reset-password": 30 * 60,
  "email-sign-in": 15 * 60,
};

export interface AccountTokenRow {
  id: string;
  userId: string;
  email: string | null;
  expiresAt: Date;
}

export interface IssuedAccountToken {
  token: string;
  expiresAt: Date;
}

type Writer = Prisma.TransactionClient | typeof db;

/** A new link token for `userId`; a `verify-email` one names the address it confirms, an `email-sign-in` one the address it was mailed to. */
export async function issueAccountToken(
  purpose: AccountTokenPurpose,
  userId: string,
  { email = null, writer = db }: { email?: string | null; writer?: Writer } = {},
): Promise<IssuedAccountToken> {
  const token = generateOpaqueToken();
  const expiresAt = new Date(Date.now() + ACCOUNT_TOKEN_LIFETIME[purpose] * 1000);
  await writer.accountToken.create({ data: { tokenHash: hashOpaqueToken(token), purpose, userId, email, expiresAt } });
  return { token, expiresAt };
}

/** The live token behind a link, without using it (a page shows its form), or null. */
export async function findAccountToken(token: unknown, purpose: AccountTokenPurpose, reader: Writer = db): Promise<AccountTokenRow | null> {
  if (typeof token !== "string" || !isWellFormedOpaqueToken(token)) return null;
  const row = await reader.accountToken.findUnique({
    where: { tokenHash: hashOpaqueToken(token) },
    select: { id: true, userId: true, email: true, expiresAt: true, purpose: true },
  });
  if (!row || row.purpose !== purpose || row.expiresAt.getTime() <= Date.now()) return null;
  return { id: row.id, userId: row.userId, email: row.email, expiresAt: row.expiresAt };
}

/**
 * Uses the token inside `tx`: its row is deleted here, so the link works once.
 * Unknown, expired, already used or meant for something else: 410 `token_invalid`.
 */
export async function takeAccountToken(tx: Prisma.TransactionClient, token: unknown, purpose: AccountTokenPurpose): Promise<AccountTokenRow> {
  const row = await findAccountToken(token, purpose, tx);
  if (!row) throw new ApiError("token_invalid");
  await spendAccountToken(tx, row);
  return row;
}

/**
 * Uses up a token already found (`findAccountToken`) inside `tx`. The delete
 * decides a race: of two requests with the same token, one deletes the row
 * and the other finds it gone (410 `token_invalid`).
 */
export async function spendAccountToken(tx: Prisma.TransactionClient, row: AccountTokenRow): Promise<void> {
  if ((await tx.accountToken.deleteMany({ where: { id: row.id } })).count !== 1) throw new ApiError("token_invalid");
}

/** Ends every link of `purpose` (or of both) that `userId` still holds: after a reset, or when the address changes. */
export function dropAccountTokens(writer: Writer, userId: string, purpose?: AccountTokenPurpose) {
  return writer.accountToken.deleteMany({ where: { userId, ...(purpose ? { purpose } : {}) } });
}
