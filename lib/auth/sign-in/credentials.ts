/**
 * Checking a password within the sign-in limits (./limits.ts): on sign-in,
 * re-authentication and a password change alike, so every way to present a
 * password counts against the same allowance.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { checkPassword, hashPassword, needsRehash } from "@/lib/auth/passwords/hash";
import { recordAuthEvent } from "@/lib/auth/changes";
import { guardClientAddress, reservePasswordCheck } from "@/lib/auth/sign-in/limits";
import type { SessionUser } from "@/lib/auth/sessions/start";
import { requestDeviceToken, trustedDevice, type TrustedDevice } from "@/lib/auth/sign-in/trusted-devices";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";

export interface Credentials {
  username: string;
  password: string;
}

export interface CheckedPassword {
  valid: boolean;
  /** The request's device cookie, when it is one of this user's devices. */
  device: TrustedDevice | null;
}

/**
 * Checks a password for `username` within the per-username limit (or, when the
 * request carries one of the user's device cookies, that device's limit): the
 * check is reserved first, and a right password clears the count, unless a
 * second factor must still follow (`clearsLimit: false`): then only the right
 * code clears it, or resending the password would buy endless code guesses.
 * Every way to present a password goes through here. `storedHash` is null for
 * an unknown username, which still costs one bcrypt compare.
 */
export async function checkPasswordWithinLimits(
  username: string,
  password: string,
  storedHash: string | null,
  client: ClientInfo,
  { clearsLimit = true }: { clearsLimit?: boolean } = {},
): Promise<CheckedPassword> {
  const device = await trustedDevice(await requestDeviceToken(), username);
  const slot = await reservePasswordCheck(username, device?.id ?? null, client);
  const valid = await checkPassword(password, storedHash);
  if (valid && clearsLimit) await slot.passed();
  return { valid, device };
}

export interface CheckedCredentials {
  user: SessionUser;
  device: TrustedDevice | null;
  /** The user has TOTP on: the password alone opens no session. */
  secondFactor: boolean;
}

/**
 * The user these credentials belong to, or `invalid_credentials`. An unknown
 * username, an account without a password and a wrong password cost the same
 * bcrypt work and give the same answer, so neither the message nor the timing
 * tells which usernames exist or how they sign in.
 */
export async function checkCredentials({ username, password }: Credentials, client: ClientInfo): Promise<CheckedCredentials> {
  await guardClientAddress(client, username);
  const user = await db.user.findUnique({
    where: { username },
    select: { id: true, username: true, role: true, passwordHash: true, totpEnabledAt: true },
  });
  const secondFactor = Boolean(user?.totpEnabledAt);
  const { valid, device } = await checkPasswordWithinLimits(username, password, user?.passwordHash ?? null, client, { clearsLimit: !secondFactor });
  // An account with no password (made by a provider) spent its bcrypt on the dummy hash, and is refused like a wrong password.
  if (!user || !valid || user.passwordHash === null) {
    await recordAuthEvent({ type: "login_failure", username, userId: user?.id, client });
    throw new ApiError("invalid_credentials");
  }
  if (needsRehash(user.passwordHash)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  return { user: { id: user.id, username: user.username, role: user.role }, device, secondFactor };
}
