/**
 * Mail to an address an account claims but has not confirmed: a 24-hour link
 * to /verify-email for it, or, when another account already owns the
 * address, a mail to that owner saying someone tried to use it (no link).
 * Which of the two is decided after the response, so no answer tells whether
 * an address is in use. Callers count each one first (`guardAddressMail`,
 * lib/auth/sign-in/limits.ts). The link names the address, so a link for an
 * address the account has since replaced confirms nothing.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { issueAccountToken } from "@/lib/auth/account-tokens";
import { addressClaimedMail, verifyEmailMail } from "@/lib/mail/messages";
import { appLink, deliver, mailAvailable, sendLater } from "@/lib/mail/send";

/** Mails `email`, which account `userId` now claims, after the response; without mail set up, nothing is sent (the address stays unconfirmed). */
export function mailAddressClaim(userId: string, email: string): void {
  if (!mailAvailable()) return;
  sendLater(async () => {
    const owner = await db.user.findFirst({ where: { email, emailVerifiedAt: { not: null }, NOT: { id: userId } }, select: { id: true, name: true } });
    if (owner) {
      await deliver({ to: email, ...addressClaimedMail(owner.name) }, { kind: "address-claimed", userId: owner.id });
      return;
    }
    const { token } = await issueAccountToken("verify-email", userId, { email });
    await deliver({ to: email, ...verifyEmailMail(appLink("/verify-email", { token })) }, { kind: "verify-email", userId });
  });
}
