/**
 * Security notices: a mail to the account's verified address when something
 * changed in how it is signed in to (lib/mail/messages.ts lists them). They go
 * out after the response, and only where mail is set up; an account without a
 * verified address gets none, since an unconfirmed address may be someone else's.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { noticeMail, type Notice } from "@/lib/mail/messages";
import { deliver, mailAvailable, sendLater } from "@/lib/mail/send";

/** Tells user `userId` about `notice`; `to` sends it to an address the account no longer has (the old one, after a change). */
export function sendNotice(userId: string, notice: Notice, { to }: { to?: string } = {}): void {
  if (!mailAvailable()) return;
  const at = new Date();
  sendLater(async () => {
    const user = await db.user.findUnique({ where: { id: userId }, select: { name: true, email: true, emailVerifiedAt: true } });
    const address = to ?? (user?.emailVerifiedAt ? user.email : null);
    if (!user || !address) return;
    await deliver({ to: address, ...noticeMail(user.name, notice, at) }, { kind: notice.kind, userId });
  });
}
