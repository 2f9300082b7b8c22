/**
 * Backup codes: ten single-use codes that stand in for a TOTP code when the
 * phone is lost. Shown once when TOTP is turned on; only their SHA-256 hashes
 * are stored (50 random bits each, and the sign-in limits cap guessing, so a
 * fast hash is enough). Dashes, spaces and case do not matter when typed.
 */
import "server-only";
import { createHash, randomInt } from "node:crypto";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";

export const BACKUP_CODE_COUNT = 10;
/** Crockford's base32 alphabet: no I, L, O or U to misread. */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const CODE_LENGTH = 10;

function normalize(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, "");
}

function hashCode(code: string): string {
  return createHash("sha256").update(normalize(code)).digest("hex");
}

function newCode(): string {
  const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Fresh codes for `userId` and the writes that replace any earlier ones; commit the writes with whatever turns TOTP on. */
export function replaceBackupCodes(userId: string): { codes: string[]; writes: Prisma.PrismaPromise<unknown>[] } {
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, newCode);
  return {
    codes,
    writes: [
      db.backupCode.deleteMany({ where: { userId } }),
      db.backupCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashCode(code) })) }),
    ],
  };
}

/** Whether `code` is one of the user's unused backup codes; if so it is used up, by exactly one request. */
export async function spendBackupCode(userId: string, code: string): Promise<boolean> {
  if (!/^[0-9a-z]{10}$/.test(normalize(code))) return false;
  const { count } = await db.backupCode.updateMany({ where: { userId, codeHash: hashCode(code), usedAt: null }, data: { usedAt: new Date() } });
  return count === 1;
}

/** How many unused backup codes the user `userId` (an SQL expression) has left, as SQL for a hand-written read (lib/db/sql.ts). */
export function remainingBackupCodesSql(userId: string): string {
  return `(SELECT count(*)::int FROM "BackupCode" b WHERE b."userId" = ${userId} AND b."usedAt" IS NULL)`;
}
