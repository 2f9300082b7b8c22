/**
 * Signing in with a link mailed to the account's confirmed address ("magic
 * links"). Asking for one answers the same, and as quickly, for every
 * address, as "forgot password" does: the look-up and the mail happen after
 * the response. Opening the link (/sign-in/email) only shows a "Sign in"
 * button, since mail scanners open every link in a mail; the button, or
 * POST /api/auth/email-link/sign-in for an API client, uses the link up and
 * signs in. The link proves the mailbox, one factor: an account with TOTP on
 * still goes through its second step, as after a password.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { isMissingRecord } from "@/lib/db/errors";
import { findAccountToken, issueAccountToken, spendAccountToken, type AccountTokenRow } from "@/lib/auth/account-tokens";
import { commitAuthChange, recordAuthEvent, type AuthEventInput } from "@/lib/auth/changes";
import { requireSecondFactor } from "@/lib/auth/second-factor/check";
import { setSessionCookies } from "@/lib/auth/sessions/cookies";
import type { SessionUser, StartedSession } from "@/lib/auth/sessions/start";
import { guardAllowance, guardClientAddress, withinAllowance } from "@/lib/auth/sign-in/limits";
import { requestDeviceToken, trustedDevice } from "@/lib/auth/sign-in/trusted-devices";
import { ApiError } from "@/lib/errors";
import { clientAddressKey, type ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { emailSignInMail } from "@/lib/mail/messages";
import { appLink, deliver, mailAvailable, sendLater } from "@/lib/mail/send";
import { emailLinkSchema, emailLinkSignInSchema } from "@/lib/schemas";
import { startCookieSession } from "@/lib/use-cases/sign-in";

/** Requests per client address, and links mailed per account, in each 15-minute window. */
const LINK_REQUESTS_PER_IP = 20;
const LINKS_PER_ACCOUNT = 5;

/** The one answer to every well-formed request for a sign-in link. */
export const EMAIL_LINK_ANSWER =
  "If an account has this confirmed email address, a sign-in link is on its way to it. It works once, for 15 minutes.";

/** Whether this server can mail sign-in links (SMTP_URL and APP_URL set): the sign-in page offers them only then. */
export function emailLinksAvailable(): boolean {
  return mailAvailable();
}

/**
 * `{email}`: mails a sign-in link if an account owns that address (has it
 * confirmed) and has not been sent five in this window. The caller answers
 * 202 with EMAIL_LINK_ANSWER whatever happened; only a malformed request, a
 * busy client address (429) or a server without mail (503) is answered
 * otherwise, alike for every address.
 */
export async function requestEmailLink(input: unknown, client: ClientInfo): Promise<void> {
  const { email } = validate(emailLinkSchema, input);
  if (!emailLinksAvailable()) throw new ApiError("email_unavailable", "Email is not set up on this server, so no sign-in link can be sent. Sign in with your password.");
  await guardAllowance(`email-link-ip:${clientAddressKey(client.ip)}`, LINK_REQUESTS_PER_IP, null, client);
  sendLater(() => mailSignInLink(email, client));
}

async function mailSignInLink(email: string, client: ClientInfo): Promise<void> {
  // Only the confirmed owner: an account that merely claims the address must not be signed in to by whoever reads it.
  const user = await db.user.findFirst({ where: { email, emailVerifiedAt: { not: null } }, select: { id: true, username: true, name: true } });
  if (!user) return;
  const allowance = await withinAllowance(`email-link-mail:${user.id}`, LINKS_PER_ACCOUNT);
  if (!allowance.allowed) {
    // No 429: the refusal would tell that the address has an account. The admin sees it instead.
    if (allowance.firstRefusal) await recordAuthEvent({ type: "rate_limited", username: user.username, userId: user.id, client });
    return;
  }
  const { token } = await issueAccountToken("email-sign-in", user.id, { email });
  await recordAuthEvent({ type: "email_link_requested", username: user.username, userId: user.id, client });
  await deliver({ to: email, ...emailSignInMail(user.name, appLink("/sign-in/email", { token })) }, { kind: "email-sign-in", userId: user.id });
}

/** The account a live link signs in to, and whether its second factor will be asked. */
interface LiveLink {
  link: AccountTokenRow;
  user: SessionUser;
  secondFactor: boolean;
}

/**
 * The link's account, read only, or null for a used, expired or unknown link,
 * or one mailed to an address the account no longer owns (changed since, or
 * no longer confirmed).
 */
async function liveLink(token: unknown): Promise<LiveLink | null> {
  const link = await findAccountToken(token, "email-sign-in");
  if (!link?.email) return null;
  const user = await db.user.findUnique({
    where: { id: link.userId },
    select: { id: true, username: true, role: true, email: true, emailVerifiedAt: true, totpEnabledAt: true },
  });
  if (!user || user.email !== link.email || !user.emailVerifiedAt) return null;
  return { link, user: { id: user.id, username: user.username, role: user.role }, secondFactor: user.totpEnabledAt !== null };
}

/** What the link's page shows before anything happens: whom it signs in. */
export interface EmailLinkStatus {
  username: string;
}

export async function emailLinkStatus(token: unknown): Promise<EmailLinkStatus | null> {
  const live = await liveLink(token);
  return live && { username: live.user.username };
}

/**
 * `{token}` from the link: uses it up and signs in, with `amr` `["email"]`,
 * the session and the link's end committed together. For an account with
 * TOTP on, the link is used up and a pending sign-in waits for the code or a
 * passkey (`mfa_required`), exactly as after a password. A used, expired or
 * unknown link is 410 `token_invalid`. Each use counts against the client
 * address's sign-in attempts.
 */
export async function signInWithEmailLink(input: unknown, client: ClientInfo): Promise<StartedSession> {
  const { token } = validate(emailLinkSignInSchema, input);
  await guardClientAddress(client, null);
  const live = await liveLink(token);
  if (!live) throw new ApiError("token_invalid");
  const { link, user } = live;
  const used: AuthEventInput = { type: "email_link_used", username: user.username, userId: user.id, client };
  if (live.secondFactor) {
    await commitAuthChange(async (tx, change) => {
      await spendAccountToken(tx, link);
      await change.record(used);
    });
    return requireSecondFactor(user, ["email"]);
  }
  const device = await trustedDevice(await requestDeviceToken(), user.username);
  let started: StartedSession;
  try {
    // `delete` fails when the row is gone: of two uses of one link, the one that comes second opens no session.
    const spend = db.accountToken.delete({ where: { id: link.id, expiresAt: { gt: new Date() } }, select: { id: true } });
    started = await startCookieSession(user, client, "login_success", device, { amr: ["email"], writes: [spend], events: [used] });
  } catch (error) {
    if (isMissingRecord(error)) throw new ApiError("token_invalid");
    throw error;
  }
  await setSessionCookies(started);
  return started;
}
