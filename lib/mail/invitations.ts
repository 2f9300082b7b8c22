/**
 * The mail that carries an invitation's one-time link (/invite?token=…), sent
 * after the response like every mail. Its token exists only in the link and
 * this mail; the database keeps its hash (lib/orgs/invitations.ts).
 */
import "server-only";
import { invitationMail } from "@/lib/mail/messages";
import { appLink, deliver, sendLater } from "@/lib/mail/send";

export interface InvitationLetter {
  to: string;
  token: string;
  organization: string;
  role: string;
  /** Who sent it, as the mail names them, and whose mail it is in the log if it fails. */
  inviter: { id: string; username: string; name: string };
}

export function mailInvitation({ to, token, organization, role, inviter }: InvitationLetter): void {
  const url = appLink("/invite", { token });
  sendLater(async () => {
    await deliver({ to, ...invitationMail({ organization, inviter: `${inviter.name} (${inviter.username})`, role, url }) }, { kind: "invitation", userId: inviter.id });
  });
}
