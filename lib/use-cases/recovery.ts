/**
 * Getting back into an account without its password: "forgot password" mails
 * a reset link to the account's confirmed address, an ADMIN can hand one out
 * instead of choosing a password for someone, and the link sets a new password
 * once. Nothing here tells whether an account exists: the forgot-password
 * answer is the same, and as quick, for every input, since the look-up and the
 * mail happen after the response.
 */
import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { requireAdmin } from "@/lib/auth/dal";
import { requireRecentAuth } from "@/lib/auth/step-up";
import { findAccountToken, issueAccountToken, spendAccountToken } from "@/lib/auth/account-tokens";
import { commitAuthChange, recordAuthEvent, type AuthEventInput } from "@/lib/auth/changes";
import { hashPassword } from "@/lib/auth/passwords/hash";
import { assertPasswordAllowed } from "@/lib/auth/passwords/policy";
import { clearPasswordChecks, guardAllowance, withinAllowance } from "@/lib/auth/sign-in/limits";
import { checkSecondFactor, hasSecondFactor } from "@/lib/auth/second-factor/check";
import { endSessionsIn } from "@/lib/auth/sessions/end";
import { requestDeviceToken, trustedDevice } from "@/lib/auth/sign-in/trusted-devices";
import { config } from "@/lib/config";
import { ApiError } from "@/lib/errors";
import { clientAddressKey, type ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { resetPasswordMail } from "@/lib/mail/messages";
import { sendNotice } from "@/lib/mail/notices";
import { appLink, assertMailAvailable, deliver, sendLater } from "@/lib/mail/send";
import { forgotPasswordSchema, idSchema, resetPasswordSchema } from "@/lib/schemas";
import { writeNewPassword } from "@/lib/use-cases/set-password";

/** Forgot-password requests per client address, and reset mails per account, in each 15-minute window. */
const FORGOT_REQUESTS_PER_IP = 20;
const RESET_MAILS_PER_ACCOUNT = 3;

/** The one answer to every forgot-password request that is well formed. */
export const FORGOT_PASSWORD_ANSWER =
  "If that account exists and has a confirmed email address, a link to reset its password is on its way. It works once, for 30 minutes.";

/**
 * `{username}` or `{email}` (or a form's `{account}`): mails a reset link if
 * the account exists, has a confirmed address and has not been sent three in
 * this window. The caller answers 202 with FORGOT_PASSWORD_ANSWER whatever
 * happened; only a malformed request, a busy client address (429) or a server
 * without mail (503) is answered otherwise, alike for every account.
 */
export async function requestPasswordReset(input: unknown, client: ClientInfo): Promise<void> {
  const account = validate(forgotPasswordSchema, input);
  assertMailAvailable();
  await guardAllowance(`forgot-ip:${clientAddressKey(client.ip)}`, FORGOT_REQUESTS_PER_IP, null, client);
  sendLater(() => mailResetLink(account, client));
}

async function mailResetLink(account: { email: string } | { username: string }, client: ClientInfo): Promise<void> {
  const select = { id: true, username: true, name: true, email: true, emailVerifiedAt: true } as const;
  // By address, only its confirmed owner: the accounts that merely claim it are not theirs to reset.
  const user =
    "email" in account
      ? await db.user.findFirst({ where: { email: account.email, emailVerifiedAt: { not: null } }, select })
      : await db.user.findUnique({ where: { username: account.username }, select });
  if (!user?.email || !user.emailVerifiedAt) return;
  if (!(await withinAllowance(`reset-mail:${user.id}`, RESET_MAILS_PER_ACCOUNT)).allowed) return;
  const { token } = await issueAccountToken("reset-password", user.id);
  await recordAuthEvent({ type: "password_reset_requested", username: user.username, userId: user.id, client });
  await deliver({ to: user.email, ...resetPasswordMail(user.name, appLink("/reset-password", { token })) }, { kind: "reset-password", userId: user.id });
}

/**
 * What the reset page needs before it shows its form: whether the link works,
 * whether it must ask for a code, and the passkeys the reset will remove.
 */
export interface ResetLinkStatus {
  username: string;
  secondFactor: boolean;
  /** The names of the account's passkeys, oldest first. */
  passkeys: string[];
}

export async function resetLinkStatus(token: unknown): Promise<ResetLinkStatus | null> {
  const link = await findAccountToken(token, "reset-password");
  if (!link) return null;
  const user = await db.user.findUnique({
    where: { id: link.userId },
    select: { username: true, totpEnabledAt: true, passkeys: { select: { name: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
  });
  return user ? { username: user.username, secondFactor: user.totpEnabledAt !== null, passkeys: user.passkeys.map((passkey) => passkey.name) } : null;
}

/**
 * Removes every passkey of `userId` inside `tx` and returns their names, oldest
 * first: one added while the reset runs goes too, and is named.
 */
async function removeEveryPasskey(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ name: string }[]>`
    WITH "removed" AS (DELETE FROM "Passkey" WHERE "userId" = ${userId}::uuid RETURNING "id", "name", "createdAt")
    SELECT "name" FROM "removed" ORDER BY "createdAt", "id"`;
  return rows.map((row) => row.name);
}

/**
 * `{token, password}` (and `code` or `backupCode` when the account has TOTP
 * on): sets the new password, uses the link up, ends every session of the
 * account, forgets its trusted devices and removes its passkeys, all in one
 * transaction, and records `password_reset` and a `passkey_removed` per
 * passkey. The notice names the passkeys removed. A used, expired or unknown
 * link is 410 `token_invalid`.
 *
 * Passkeys go because a reset is how an owner takes back an account that
 * someone else held: a passkey that person added would sign them in again,
 * and nothing tells it from the owner's own (its name is whatever they chose).
 */
export async function resetPassword(input: unknown, client: ClientInfo): Promise<void> {
  const { token, password, ...secondFactor } = validate(resetPasswordSchema, input);
  const link = await findAccountToken(token, "reset-password");
  if (!link) throw new ApiError("token_invalid");
  const user = await db.user.findUnique({ where: { id: link.userId }, select: { id: true, username: true, totpEnabledAt: true } });
  if (!user) throw new ApiError("token_invalid");
  // Before the code: a refused password must not use up a code or a backup code.
  await assertPasswordAllowed(password);
  if (user.totpEnabledAt) {
    // The link proves the mailbox, not the second factor: a stolen mailbox alone must not open the account.
    if (!hasSecondFactor(secondFactor)) {
      throw new ApiError("mfa_required", "This account has two-factor sign-in on: enter a code from your authenticator app, or a backup code.", {
        fields: { code: "Enter a code from your authenticator app, or a backup code." },
      });
    }
    // Counted like a sign-in's code: against this browser's own allowance when it is one of the account's devices,
    // so that someone guessing at the username cannot keep the owner from resetting.
    await checkSecondFactor(user, secondFactor, client, await trustedDevice(await requestDeviceToken(), user.username));
  }
  const passwordHash = await hashPassword(password);
  const passkeyRemoved: AuthEventInput = { type: "passkey_removed", username: user.username, userId: user.id, client };
  const removedPasskeys = await commitAuthChange(async (tx, change) => {
    await spendAccountToken(tx, link);
    await writeNewPassword(tx, user.id, passwordHash);
    await endSessionsIn(tx, user.id);
    const removed = await removeEveryPasskey(tx, user.id);
    await change.record({ type: "password_reset", username: user.username, userId: user.id, client }, ...removed.map(() => passkeyRemoved));
    change.forget({ users: [user.id] });
    return removed;
  });
  // The owner proved the mailbox: a lock-out by someone else's guesses must not keep them out now.
  await clearPasswordChecks(user.username, null);
  sendNotice(user.id, { kind: "password_reset", removedPasskeys });
}

export interface ResetLink {
  url: string;
  expiresAt: string;
}

/**
 * ADMIN, recently re-authenticated: a one-time reset link for user `{id}`, to
 * hand over. The admin never learns the new password. Works without mail; an
 * absolute URL needs APP_URL, and without it the link is a path on this site.
 */
export async function issueResetLink(params: unknown, client: ClientInfo): Promise<ResetLink> {
  const admin = await requireRecentAuth(await requireAdmin());
  const { id } = validate(idSchema, params);
  const user = await db.user.findUnique({ where: { id }, select: { id: true, username: true } });
  if (!user) throw new ApiError("not_found", "No such user.");
  const { token, expiresAt } = await issueAccountToken("reset-password", user.id);
  await recordAuthEvent({ type: "reset_link_issued", username: user.username, userId: user.id, client, actor: admin.user.username });
  sendNotice(user.id, { kind: "reset_link_issued" });
  const url = config().appUrl ? appLink("/reset-password", { token }) : `/reset-password?${new URLSearchParams({ token })}`;
  return { url, expiresAt: expiresAt.toISOString() };
}
