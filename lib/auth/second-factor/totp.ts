/**
 * Time-based one-time passwords (RFC 6238) with the `otpauth` library: 6
 * digits, 30-second steps, SHA-1, as every authenticator app reads them. A
 * code is accepted for the step before and after the current one (clock
 * drift), and only once: the last accepted step is stored, and a code for it
 * or an earlier one is refused, so an observed code cannot be replayed.
 */
import "server-only";
import { Secret, TOTP } from "otpauth";
import { db } from "@/lib/db/client";
import { openSecret } from "@/lib/auth/second-factor/secret-box";

export const TOTP_PERIOD_SECONDS = 30;
const ISSUER = "Tessera";

/** A TOTP generator for a base32 secret, labelled for the user's authenticator app. */
export function totpFor(base32Secret: string, username: string): TOTP {
  return new TOTP({ issuer: ISSUER, label: username, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(base32Secret) });
}

/** A new random secret (160 bits, as RFC 4226 recommends), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The time step `code` is valid for, within one step of `now`, or null. */
export function matchingStep(totp: TOTP, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / TOTP_PERIOD_SECONDS) + delta;
}

/**
 * Whether `code` is a valid, unused TOTP code of user `userId`, who has TOTP
 * turned on. Marks its step used: of two requests with the same code, only
 * one succeeds.
 */
export async function spendTotpCode(userId: string, code: string, now = Date.now()): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { username: true, totpSecret: true, totpEnabledAt: true } });
  if (!user?.totpSecret || !user.totpEnabledAt) return false;
  const step = matchingStep(totpFor(openSecret(user.totpSecret, userId), user.username), code, now);
  if (step === null) return false;
  const { count } = await db.user.updateMany({
    where: { id: userId, totpEnabledAt: { not: null }, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  return count === 1;
}
