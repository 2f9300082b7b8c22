/**
 * Confirming an account's email address: the page the mailed link opens
 * (/verify-email) shows what the link would confirm, and only its "Confirm"
 * button, or POST /api/auth/email/verify for an API client, confirms it: mail
 * scanners open links, and a look must change nothing. Also sending the link
 * again. Adding or changing the address is a user change (PATCH
 * /api/users/:id, lib/use-cases/users.ts).
 *
 * An unconfirmed address is a claim, not an owner: several accounts may claim
 * one address, and the first to confirm it owns it; the other claims end then.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { verifySession } from "@/lib/auth/dal";
import { findAccountToken, takeAccountToken } from "@/lib/auth/account-tokens";
import { commitAuthChange } from "@/lib/auth/changes";
import { guardAddressMail } from "@/lib/auth/sign-in/limits";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { assertMailAvailable } from "@/lib/mail/send";
import { mailAddressClaim } from "@/lib/mail/verification";
import { verifyEmailSchema } from "@/lib/schemas";

/** What the confirmation page shows before anything happens: the address the link confirms, and for which account. */
export interface VerificationLinkStatus {
  email: string;
  username: string;
}

/** The link's state, read only: null for a used, expired or unknown link, or one for an address the account no longer has. */
export async function verificationLinkStatus(token: unknown): Promise<VerificationLinkStatus | null> {
  const link = await findAccountToken(token, "verify-email");
  if (!link?.email) return null;
  const user = await db.user.findUnique({ where: { id: link.userId }, select: { username: true, email: true } });
  return user && user.email === link.email ? { email: link.email, username: user.username } : null;
}

/**
 * `{token}` from the link: confirms the address it was sent to, if the account
 * still claims it, and drops every other account's claim on that address (and
 * their links for it) in the same transaction. Used once; a used, expired or
 * unknown link, or one for an address since replaced or confirmed by another
 * account, is 410 `token_invalid`.
 */
export async function verifyEmail(input: unknown, client: ClientInfo): Promise<{ email: string }> {
  const { token } = validate(verifyEmailSchema, input);
  try {
    return await commitAuthChange(async (tx, change) => {
      const link = await takeAccountToken(tx, token, "verify-email");
      if (!link.email) throw new ApiError("token_invalid");
      // Every account that claims the address, locked in one order: two confirmations of one address queue here
      // instead of deadlocking, and the second sees what the first did.
      const claims = await tx.$queryRaw<{ id: string; confirmed: boolean }[]>`
        SELECT "id"::text AS "id", "emailVerifiedAt" IS NOT NULL AS "confirmed" FROM "User" WHERE "email" = ${link.email} ORDER BY "id" FOR UPDATE`;
      const user = await tx.user.findUnique({ where: { id: link.userId }, select: { id: true, username: true, email: true } });
      if (!user || user.email !== link.email) throw new ApiError("token_invalid");
      if (claims.some((claim) => claim.id !== user.id && claim.confirmed)) throw new ApiError("token_invalid", "Another account confirmed this address first.");
      await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
      const dropped = claims.filter((claim) => claim.id !== user.id).map((claim) => claim.id);
      if (dropped.length > 0) {
        await tx.user.updateMany({ where: { id: { in: dropped } }, data: { email: null } });
        await tx.accountToken.deleteMany({ where: { userId: { in: dropped }, purpose: "verify-email" } });
      }
      await change.record({ type: "email_verified", username: user.username, userId: user.id, client });
      // The session check reads the profile: no instance may show an address as it was.
      change.forget({ users: [user.id, ...dropped] });
      return { email: link.email };
    });
  } catch (error) {
    // The unique index on confirmed addresses is the last word should a confirmation slip past the lock.
    if (isUniqueViolation(error)) throw new ApiError("token_invalid", "Another account confirmed this address first.");
    throw error;
  }
}

/** Signed in, with an address not yet confirmed: sends its link again, within the limit on mail to unconfirmed addresses (then 429). */
export async function resendVerification(client: ClientInfo): Promise<{ email: string }> {
  const { user } = await verifySession();
  const row = await db.user.findUnique({ where: { id: user.id }, select: { id: true, username: true, email: true, emailVerifiedAt: true } });
  if (!row?.email) throw new ApiError("validation_error", "Add an email address first.", { fields: { email: "Add an email address first." } });
  if (row.emailVerifiedAt) throw new ApiError("conflict", "Your email address is already confirmed.");
  assertMailAvailable();
  await guardAddressMail(row, client);
  mailAddressClaim(row.id, row.email);
  return { email: row.email };
}
