/**
 * Two-factor sign-in with an authenticator app: setting it up, turning it on
 * with a first code, turning it off (each after a recent sign-in), and an ADMIN turning it
 * off for someone who lost their phone and backup codes. Route handlers and
 * the dashboard's and admin page's forms call these alike.
 */
import "server-only";
import { requireAdmin } from "@/lib/auth/dal";
import { requireRecentAuth } from "@/lib/auth/step-up";
import { beginTotpSetup, confirmTotp, turnOffTotp, type TotpSetup } from "@/lib/auth/second-factor/enrolment";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { sendNotice } from "@/lib/mail/notices";
import { idSchema, totpCodeSchema } from "@/lib/schemas";

/**
 * A new secret for the caller's authenticator app, returned this once and
 * shown to this session alone; 409 while TOTP is on. Needs a recent sign-in:
 * with a stolen session alone, someone could otherwise put the account behind
 * a code only they can read.
 */
export async function setUpTotp(): Promise<TotpSetup> {
  return beginTotpSetup(await requireRecentAuth());
}

/**
 * Turns TOTP on with `{code}` from the app this session set up; the ten
 * backup codes are in this answer only, and the owner is told by mail. Needs
 * a recent sign-in too: backup codes re-authenticate, so turning TOTP on is
 * as sensitive as the changes step-up guards.
 */
export async function enableTotp(input: unknown, client: ClientInfo): Promise<{ backupCodes: string[] }> {
  const session = await requireRecentAuth();
  const { code } = validate(totpCodeSchema, input);
  const backupCodes = await confirmTotp(session, code, client);
  sendNotice(session.user.id, { kind: "totp_enabled" });
  return { backupCodes };
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
