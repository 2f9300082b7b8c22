/**
 * Turning TOTP on and off for an account. Setting up stores a new secret,
 * sealed (lib/auth/second-factor/secret-box.ts), that is not in force until a code from the
 * app proves the user copied it; only then is TOTP on, with fresh backup
 * codes, in one transaction. The secret is handed out once, by the set-up
 * response; afterwards only the dashboard reads it back, to draw the QR code,
 * and only while it is still unconfirmed.
 *
 * An unconfirmed secret belongs to the session that set it up
 * (`User.totpSetupSessionId`): only that session is shown it and may turn it
 * on. Any other session of the account, a stolen one included, sees TOTP off
 * and can only start a set-up of its own, which replaces the first; it can
 * never confirm the owner's secret and so collect backup codes that pass
 * step-up.
 */
import "server-only";
import QRCode from "qrcode";
import { db } from "@/lib/db/client";
import { isRecordMissing } from "@/lib/db/errors";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";
import { commitAuthChange, commitAuthWrites, type AuthEventInput } from "@/lib/auth/changes";
import { remainingBackupCodesSql, replaceBackupCodes } from "@/lib/auth/second-factor/backup-codes";
import { canSealSecrets, openSecret, sealSecret } from "@/lib/auth/second-factor/secret-box";
import { matchingStep, newTotpSecret, totpFor } from "@/lib/auth/second-factor/totp";

interface Account {
  id: string;
  username: string;
}

/** The account and the session acting on it: a set-up in progress is one session's. */
export interface EnrollingSession {
  user: Account;
  sessionId: string;
}

/** What the user copies into the authenticator app: the secret typed by hand, or the otpauth:// URL as a QR code. */
export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
}

function alreadyOn(): ApiError {
  return new ApiError("conflict", "Two-factor sign-in is already on. Turn it off first to set up a new authenticator app.");
}

/**
 * A new secret for `session`'s account, replacing one set up but never
 * confirmed (by this session or another). While TOTP is on this is a 409: a
 * stolen session must not swap the secret.
 */
export async function beginTotpSetup({ user: account, sessionId }: EnrollingSession): Promise<TotpSetup> {
  const secret = newTotpSecret();
  const sealed = sealSecret(secret, account.id);
  const { count } = await db.user.updateMany({
    where: { id: account.id, totpEnabledAt: null },
    data: { totpSecret: sealed, totpSetupSessionId: sessionId, totpLastStep: null },
  });
  if (count === 0) throw alreadyOn();
  return { secret, otpauthUrl: totpFor(secret, account.username).toString() };
}

/**
 * Turns TOTP on for `session`'s account when `code` matches the secret this
 * same session set up last; a set-up of another session counts as none. The
 * code's time step is recorded as used, so the same code cannot also sign in.
 * Returns the backup codes, which exist in plain text only in this answer.
 */
export async function confirmTotp({ user: account, sessionId }: EnrollingSession, code: string, client: ClientInfo, now = Date.now()): Promise<string[]> {
  const row = await db.user.findUnique({ where: { id: account.id }, select: { totpSecret: true, totpSetupSessionId: true, totpEnabledAt: true } });
  if (row?.totpEnabledAt) throw alreadyOn();
  if (!row?.totpSecret || row.totpSetupSessionId !== sessionId) throw new ApiError("conflict", "Set up an authenticator app first.");
  const step = matchingStep(totpFor(openSecret(row.totpSecret, account.id), account.username), code, now);
  if (step === null) {
    throw new ApiError("validation_error", "That code does not match. Check the app shows Tessera and your phone's clock is right.", {
      fields: { code: "That code is not valid." },
    });
  }
  const { codes, writes } = replaceBackupCodes(account.id);
  const event: AuthEventInput = { type: "totp_enabled", username: account.username, userId: account.id, client };
  try {
    await commitAuthWrites(
      [
        // Only the secret this code was checked against, still this session's, and only if still off: a set-up in between makes this one void.
        db.user.update({
          where: { id: account.id, totpSecret: row.totpSecret, totpSetupSessionId: sessionId, totpEnabledAt: null },
          data: { totpEnabledAt: new Date(now), totpLastStep: step, totpSetupSessionId: null },
        }),
        ...writes,
      ],
      { events: [event] },
    );
  } catch (error) {
    if (isRecordMissing(error)) throw new ApiError("conflict", "The authenticator app was set up again meanwhile. Use the newest code.");
    throw error;
  }
  return codes;
}

/**
 * Turns TOTP off for user `userId` (or drops a secret never confirmed): the
 * secret, the used step and the backup codes go. Records `totp_disabled` when
 * it was on, naming `actor` in the log when an ADMIN did it, and answers
 * whether it was on. An unknown user is `not_found`.
 */
export async function turnOffTotp(userId: string, client: ClientInfo, actor?: Account): Promise<boolean> {
  return commitAuthChange(async (tx, change) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, username: true, totpEnabledAt: true } });
    if (!user) throw new ApiError("not_found", "No such user.");
    await tx.user.update({ where: { id: userId }, data: { totpSecret: null, totpSetupSessionId: null, totpEnabledAt: null, totpLastStep: null } });
    await tx.backupCode.deleteMany({ where: { userId } });
    if (!user.totpEnabledAt) return false;
    await change.record({ type: "totp_disabled", username: user.username, userId: user.id, client, ...(actor ? { actor: actor.username } : {}) });
    return true;
  });
}

/**
 * The dashboard's view of one account's two-factor sign-in; a pending secret
 * only while it is unconfirmed, and only to the session that set it up.
 */
export type TotpStatus =
  | { state: "off"; available: boolean }
  | { state: "pending"; secret: string; otpauthUrl: string; qrSvg: string }
  | { state: "on"; since: string; backupCodesLeft: number };

/** What the dashboard's view of two-factor sign-in is made from, read with the rest of the page (`totpStateSql`). */
export interface TotpStateRow {
  username: string;
  totpSecret: string | null;
  totpSetupSessionId: string | null;
  totpEnabledAt: Date | null;
  /** Counted only while TOTP is on. */
  backupCodesLeft: number | null;
}

/** The columns of a TotpStateRow, as SQL over the User table aliased `alias`, for a hand-written read (lib/db/sql.ts). */
export function totpStateSql(alias: string): string {
  return `${alias}."username", ${alias}."totpSecret", ${alias}."totpSetupSessionId", ${alias}."totpEnabledAt",
          CASE WHEN ${alias}."totpEnabledAt" IS NOT NULL THEN ${remainingBackupCodesSql(`${alias}."id"`)} END AS "backupCodesLeft"`;
}

/**
 * User `userId`'s two-factor state (`row`, none for a user gone) as session
 * `sessionId` may see it: reads nothing more, so the dashboard reads the row
 * with its other data, beside its session check.
 */
export async function totpStatusOf(row: TotpStateRow | undefined, userId: string, sessionId: string): Promise<TotpStatus> {
  if (row?.totpEnabledAt) return { state: "on", since: row.totpEnabledAt.toISOString(), backupCodesLeft: row.backupCodesLeft ?? 0 };
  const secret = row?.totpSecret && row.totpSetupSessionId === sessionId && canSealSecrets() ? openPending(row.totpSecret, userId) : null;
  if (!row || !secret) return { state: "off", available: canSealSecrets() };
  const otpauthUrl = totpFor(secret, row.username).toString();
  return { state: "pending", secret, otpauthUrl, qrSvg: await QRCode.toString(otpauthUrl, { type: "svg", margin: 1 }) };
}

/** An unconfirmed secret sealed under a key since replaced cannot be shown: the user sets up again. */
function openPending(sealed: string, ownerId: string): string | null {
  try {
    return openSecret(sealed, ownerId);
  } catch {
    return null;
  }
}
