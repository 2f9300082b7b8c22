/**
 * Two-factor sign-in with an authenticator app: setting it up, turning it on
 * with a first code, turning it off (step-up first), and an ADMIN turning it
 * off for someone who lost their phone and backup codes. Route handlers and
 * the dashboard's and admin page's forms call these alike.
 */
import "server-only";
import { requireAdmin, requireRecentAuth, verifySession } from "@/lib/auth/dal";
import { beginTotpSetup, confirmTotp, turnOffTotp, type TotpSetup } from "@/lib/auth/totp-enrolment";
import type { ClientInfo } from "@/lib/http/client-info";
import { validate } from "@/lib/http/validate";
import { sendNotice } from "@/lib/mail/notices";
import { idSchema, totpCodeSchema } from "@/lib/schemas";

/**
 * A new secret for the caller's authenticator app, returned this once; 409
 * while TOTP is on. Needs a recent sign-in: with a stolen session alone,
 * someone could otherwise put the account behind a code only they can read.
 */
export async function setUpTotp(): Promise<TotpSetup> {
  const { user } = await requireRecentAuth();
  return beginTotpSetup(user);
}

/** Turns TOTP on with `{code}` from the app just set up; the ten backup codes are in this answer only. */
export async function enableTotp(input: unknown, client: ClientInfo): Promise<{ backupCodes: string[] }> {
  const { user } = await verifySession();
  const { code } = validate(totpCodeSchema, input);
  return { backupCodes: await confirmTotp(user, code, client) };
}

/** Turns the caller's TOTP off; needs a recent sign-in or re-authentication (`reauth_required`). The owner is told by mail. */
export async function disableTotp(client: ClientInfo): Promise<void> {
  const { user } = await requireRecentAuth();
  if (await turnOffTotp(user.id, client)) sendNotice(user.id, { kind: "totp_disabled", byAdmin: false });
}

/** ADMIN, recently re-authenticated: turns TOTP off for user `{id}`, who is told by mail. */
export async function disableTotpOf(input: unknown, client: ClientInfo): Promise<void> {
  const admin = await requireAdmin();
  await requireRecentAuth(admin);
  const { id } = validate(idSchema, input);
  if (await turnOffTotp(id, client, admin.user)) sendNotice(id, { kind: "totp_disabled", byAdmin: id !== admin.user.id });
}
