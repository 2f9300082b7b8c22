/**
 * Confirming an account's email address: the link from the verification mail
 * (GET /verify-email, or POST /api/auth/email/verify for an API client), and
 * sending that mail again. Adding or changing the address is a user change
 * (PATCH /api/users/:id, lib/users/queries.ts).
 */
import "server-only";
import { db } from "@/lib/db/client";
import { verifySession } from "@/lib/auth/dal";
import { takeAccountToken } from "@/lib/auth/account-tokens";
import { authEventData, logAuthEvent, type AuthEventInput } from "@/lib/auth/audit-events";
import { guardAllowance } from "@/lib/auth/rate-limit";
import { forgetUser } from "@/lib/auth/process-session-cache";
import { ApiError } from "@/lib/edge/errors";
import type { ClientInfo } from "@/lib/http/client-info";
import { validate } from "@/lib/http/validate";
import { assertMailAvailable } from "@/lib/mail/send";
import { sendVerificationMail } from "@/lib/mail/verification";
import { verifyEmailSchema } from "@/lib/schemas";

/** Verification mails one account may ask for again per 15 minutes. */
const VERIFICATION_MAILS_PER_ACCOUNT = 3;

/**
 * `{token}` from the link: marks the address it was sent to as confirmed, if
 * the account still has that address. Used once; a used, expired or unknown
 * link, or one for an address since replaced, is 410 `token_invalid`.
 */
export async function verifyEmail(input: unknown, client: ClientInfo): Promise<{ email: string }> {
  const { token } = validate(verifyEmailSchema, input);
  const { email, userId, event } = await db.$transaction(async (tx) => {
    const link = await takeAccountToken(tx, token, "verify-email");
    const user = await tx.user.findUnique({ where: { id: link.userId }, select: { id: true, username: true, email: true } });
    if (!user?.email || user.email !== link.email) throw new ApiError("token_invalid");
    await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    const event: AuthEventInput = { type: "email_verified", username: user.username, userId: user.id, client };
    await tx.authEvent.create({ data: authEventData(event) });
    return { email: user.email, userId: user.id, event };
  });
  // The session check reads the profile: this instance must not show the address as unconfirmed.
  forgetUser(userId);
  logAuthEvent(event);
  return { email };
}

/** Signed in, with an address not yet confirmed: sends its link again, at most three times per 15 minutes (then 429). */
export async function resendVerification(client: ClientInfo): Promise<{ email: string }> {
  const { user } = await verifySession();
  const row = await db.user.findUnique({ where: { id: user.id }, select: { id: true, name: true, email: true, emailVerifiedAt: true } });
  if (!row?.email) throw new ApiError("validation_error", "Add an email address first.", { fields: { email: "Add an email address first." } });
  if (row.emailVerifiedAt) throw new ApiError("conflict", "Your email address is already confirmed.");
  assertMailAvailable();
  await guardAllowance(`verify-mail:${row.id}`, VERIFICATION_MAILS_PER_ACCOUNT, user.username, client);
  await sendVerificationMail({ id: row.id, name: row.name, email: row.email });
  return { email: row.email };
}
