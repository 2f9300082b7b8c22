/**
 * The mails Tessera sends, as plain text with a simple HTML twin. A link is
 * the only thing in them that acts; every notice says what happened, when,
 * and what to do if it was not you. No mail carries a password or a secret.
 */
import "server-only";
import type { Mail } from "@/lib/mail/send";

export type MailContent = Omit<Mail, "to">;

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => escapes[char]!);

interface Parts {
  subject: string;
  greeting: string;
  lines: string[];
  link?: { url: string; label: string };
  footer: string;
}

function compose({ subject, greeting, lines, link, footer }: Parts): MailContent {
  const text = [greeting, "", ...lines, ...(link ? ["", `${link.label}: ${link.url}`] : []), "", footer, "", "— Tessera"].join("\n");
  const paragraphs = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n");
  const button = link ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>\n<p style="color:#555">${escapeHtml(link.url)}</p>` : "";
  const html = `<!doctype html>
<html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:36rem">
<p>${escapeHtml(greeting)}</p>
${paragraphs}
${button}
<p style="color:#555">${escapeHtml(footer)}</p>
<p>— Tessera</p>
</body></html>
`;
  return { subject, text, html };
}

const NOT_YOU = "If this was not you, reset your password from the sign-in page at once, and tell your administrator.";

function when(at: Date): string {
  return at.toUTCString();
}

/**
 * The link that confirms an address. It greets nobody by name: whoever claims
 * an address also writes the account's name, and the address may be anyone's.
 */
export function verifyEmailMail(url: string): MailContent {
  return compose({
    subject: "Confirm your email address for Tessera",
    greeting: "Hello,",
    lines: [
      "Someone gave this email address for a Tessera account. If it was you, open the link and confirm it: the account can then reset its password with this address.",
      "The link works once, within 24 hours.",
    ],
    link: { url, label: "Confirm your email address" },
    footer: "If you did not give this address to a Tessera account, ignore this mail: nothing changes unless you confirm on the page the link opens.",
  });
}

/**
 * To the owner of a confirmed address that another account gave as its own
 * (at registration, where the answer must not tell that the address is taken).
 * No link: there is nothing for the owner to do.
 */
export function addressClaimedMail(name: string): MailContent {
  return compose({
    subject: "Someone tried to use your email address on Tessera",
    greeting: `Hello ${name},`,
    lines: [
      "Someone gave this email address for another Tessera account. It stays with your account: the other account cannot confirm it, and nothing about your account changed.",
    ],
    footer: "If it was you, sign in to the account you have instead (Forgot your password? on the sign-in page helps). Otherwise there is nothing to do.",
  });
}

export function resetPasswordMail(name: string, url: string): MailContent {
  return compose({
    subject: "Reset your Tessera password",
    greeting: `Hello ${name},`,
    lines: ["Someone asked to reset the password of your Tessera account. If it was you, choose a new password here.", "The link works once, within 30 minutes. Resetting signs you out everywhere."],
    link: { url, label: "Choose a new password" },
    footer: "If you did not ask for this, ignore this mail: your password stays as it is.",
  });
}

/**
 * An invitation to an organization. It names the organization and who sent
 * it, both chosen by users, so every word of it is text, never markup; and it
 * says what the link needs: an account whose confirmed address this is.
 */
export function invitationMail({ organization, inviter, role, url }: { organization: string; inviter: string; role: string; url: string }): MailContent {
  return compose({
    subject: `You are invited to join ${organization} on Tessera`,
    greeting: "Hello,",
    lines: [
      `${inviter} invited this email address to join the organization "${organization}" on Tessera as ${role}.`,
      "To accept, open the link and sign in, or register, with an account whose confirmed email address is this one. The link works once, within 7 days.",
    ],
    link: { url, label: "See the invitation" },
    footer: "If you do not know the sender, ignore this mail: nothing happens unless you accept.",
  });
}

/**
 * A sign-in link, to the account's confirmed address. The link only opens a
 * page with a "Sign in" button, so a mail scanner that follows it signs
 * nobody in.
 */
export function emailSignInMail(name: string, url: string): MailContent {
  return compose({
    subject: "Your Tessera sign-in link",
    greeting: `Hello ${name},`,
    lines: [
      "Someone asked for a link to sign in to your Tessera account with this email address. If it was you, open the link and press Sign in.",
      "The link works once, within 15 minutes. If your account has two-factor sign-in on, you will be asked for your code as well.",
    ],
    link: { url, label: "Sign in to Tessera" },
    footer: "If you did not ask for this, ignore this mail: nobody can sign in without the link, and your password stays as it is.",
  });
}

/** The security notices: something changed in how the account is signed in to. */
export type Notice =
  | { kind: "password_changed" }
  | { kind: "password_reset"; removedPasskeys: string[] }
  | { kind: "reset_link_issued" }
  | { kind: "email_changed"; newAddress: string | null }
  | { kind: "passkey_added"; passkeyName: string }
  | { kind: "totp_enabled" }
  | { kind: "totp_disabled"; byAdmin: boolean };

function quoted(names: string[]): string {
  return names.map((name) => `"${name}"`).join(", ");
}

function noticeText(notice: Notice): { subject: string; line: string } {
  switch (notice.kind) {
    case "password_changed":
      return { subject: "Your Tessera password was changed", line: "The password of your account was changed. Your other sessions were signed out." };
    case "password_reset":
      return {
        subject: "Your Tessera password was reset",
        line:
          "The password of your account was reset with a reset link. Every session was signed out." +
          (notice.removedPasskeys.length > 0
            ? ` Its passkeys were removed, so that none added by someone else still signs in: ${quoted(notice.removedPasskeys)}. Add yours again from your dashboard.`
            : ""),
      };
    case "reset_link_issued":
      return {
        subject: "An administrator made a reset link for your Tessera account",
        line: "An administrator made a one-time link to set a new password for your account, to hand to you. It works once, within 30 minutes.",
      };
    case "email_changed":
      return {
        subject: "The email address of your Tessera account changed",
        line: notice.newAddress
          ? `The email address of your account was changed to ${maskAddress(notice.newAddress)}. Mail about the account no longer comes here.`
          : "The email address was removed from your account. Mail about the account no longer comes here.",
      };
    case "passkey_added":
      return { subject: "A passkey was added to your Tessera account", line: `A passkey named "${notice.passkeyName}" was added to your account. It can sign in without your password.` };
    case "totp_enabled":
      return {
        subject: "Two-factor sign-in was turned on for your Tessera account",
        line: "Two-factor sign-in with an authenticator app was turned on for your account, with new backup codes. Signing in now takes a code from that app, a backup code or a passkey after the password.",
      };
    case "totp_disabled":
      return {
        subject: "Two-factor sign-in was turned off on your Tessera account",
        line: notice.byAdmin
          ? "An administrator turned off two-factor sign-in for your account. Signing in now takes only your password or a passkey."
          : "Two-factor sign-in was turned off for your account. Signing in now takes only your password or a passkey.",
      };
  }
}

export function noticeMail(name: string, notice: Notice, at: Date): MailContent {
  const { subject, line } = noticeText(notice);
  return compose({ subject, greeting: `Hello ${name},`, lines: [line, `When: ${when(at)}.`], footer: NOT_YOU });
}

/** `j•••@example.com`: enough for the owner to recognise, not a full address for whoever reads the old mailbox. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at <= 0) return "•••";
  return `${address[0]}•••${address.slice(at)}`;
}
