/**
 * The second step of signing in for a user with TOTP on: a code from the
 * authenticator app, a backup code, or a passkey (lib/auth/passkeys/authenticate.ts). A
 * password (or a sign-in link) alone opens no session; it leaves a pending sign-in (a ceremony,
 * lib/auth/sign-in/ceremonies.ts) that a browser completes within 5 minutes. Every
 * wrong code counts against the same per-username (or per-device) limit as a
 * wrong password, and only a right one clears it.
 */
import "server-only";
import { ApiError } from "@/lib/errors";
import type { AuthMethod } from "@/lib/edge/tokens";
import { recordAuthEvent } from "@/lib/auth/changes";
import { spendBackupCode } from "@/lib/auth/second-factor/backup-codes";
import { beginCeremony } from "@/lib/auth/sign-in/ceremonies";
import { reservePasswordCheck } from "@/lib/auth/sign-in/limits";
import { spendTotpCode } from "@/lib/auth/second-factor/totp";
import type { TrustedDevice } from "@/lib/auth/sign-in/trusted-devices";
import type { SessionUser } from "@/lib/auth/sessions/start";
import type { ClientInfo } from "@/lib/request/client-info";

/** A code from the authenticator app, or a backup code (lib/schemas.ts validates them). */
export interface SecondFactorInput {
  code?: string | undefined;
  backupCode?: string | undefined;
}

export function hasSecondFactor(input: SecondFactorInput): boolean {
  return Boolean(input.code || input.backupCode);
}

/**
 * Leaves a pending sign-in for `user`, whose first factor (`amr`: a password,
 * or a sign-in link) was right, and answers `mfa_required`: the browser now
 * has 5 minutes to send a code or use a passkey.
 */
export async function requireSecondFactor(user: SessionUser, amr: AuthMethod[] = ["pwd"]): Promise<never> {
  await beginCeremony("second-factor", { userId: user.id, amr });
  throw new ApiError("mfa_required");
}

/**
 * Checks a TOTP code or backup code of `user` within the sign-in limits, and
 * returns the methods it proves (`otp`); a wrong one is `invalid_code` and an
 * `mfa_failure` event. A used backup code is recorded as `backup_code_used`.
 */
export async function checkSecondFactor(
  user: Pick<SessionUser, "id" | "username">,
  input: SecondFactorInput,
  client: ClientInfo,
  device: TrustedDevice | null,
): Promise<AuthMethod[]> {
  const slot = await reservePasswordCheck(user.username, device?.id ?? null, client);
  const valid = input.code ? await spendTotpCode(user.id, input.code) : input.backupCode ? await spendBackupCode(user.id, input.backupCode) : false;
  if (!valid) {
    await recordAuthEvent({ type: "mfa_failure", username: user.username, userId: user.id, client });
    throw new ApiError("invalid_code", undefined, { fields: { [input.backupCode && !input.code ? "backupCode" : "code"]: "That code is not valid." } });
  }
  await slot.passed();
  if (!input.code) await recordAuthEvent({ type: "backup_code_used", username: user.username, userId: user.id, client });
  return ["otp"];
}
