/**
 * The mail that confirms an address: a 24-hour link to /verify-email for the
 * address the account has now. Sent when an address is added or changed, and
 * again on request; the link names the address, so a link for an address the
 * account has since replaced confirms nothing.
 */
import "server-only";
import { issueAccountToken } from "@/lib/auth/account-tokens";
import { verifyEmailMail } from "@/lib/mail/messages";
import { appLink, deliver, mailAvailable, sendLater } from "@/lib/mail/send";

export interface Addressee {
  id: string;
  name: string;
  email: string;
}

/** Issues the link now and mails it after the response; without mail set up, nothing is sent (the address stays unverified). */
export async function sendVerificationMail(user: Addressee): Promise<void> {
  if (!mailAvailable()) return;
  const { token } = await issueAccountToken("verify-email", user.id, { email: user.email });
  const url = appLink("/verify-email", { token });
  sendLater(() => deliver({ to: user.email, ...verifyEmailMail(user.name, url) }, { kind: "verify-email", userId: user.id }).then(() => undefined));
}
