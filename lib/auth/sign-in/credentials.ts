/**
 * Checking who someone is: passwords on sign-in and new accounts on register,
 * within the abuse limits. The use cases (lib/use-cases/) call these for every
 * door, so the JSON API and the HTML forms answer alike.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { checkPassword, hashPassword, needsRehash } from "@/lib/auth/passwords/hash";
import { assertPasswordAllowed } from "@/lib/auth/passwords/policy";
import { recordAuthEvent } from "@/lib/auth/audit-events";
import { clearPasswordChecks, guardAddressMail, guardClientAddress, reservePasswordCheck } from "@/lib/auth/sign-in/limits";
import { startSession, type NewUserRow, type SessionUser, type StartedSession } from "@/lib/auth/sessions/start";
import { rememberDevice, requestDeviceToken, trustedDevice, type TrustedDevice } from "@/lib/auth/sign-in/trusted-devices";
import { ApiError } from "@/lib/errors";
import { usernameTaken } from "@/lib/users/queries";
import type { ClientInfo } from "@/lib/http/client-info";
import type { AuthMethod } from "@/lib/edge/tokens";
import { currentCeremony, endCeremony, type Ceremony } from "@/lib/auth/sign-in/ceremonies";
import { checkSecondFactor, hasSecondFactor, requireSecondFactor, type SecondFactorInput } from "@/lib/auth/second-factor/check";

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
 * username and a wrong password cost the same bcrypt work and give the same
 * answer, so neither the message nor the timing tells which usernames exist.
 */
export async function checkCredentials({ username, password }: Credentials, client: ClientInfo): Promise<CheckedCredentials> {
  await guardClientAddress(client, username);
  const user = await db.user.findUnique({
    where: { username },
    select: { id: true, username: true, role: true, passwordHash: true, totpEnabledAt: true },
  });
  const secondFactor = Boolean(user?.totpEnabledAt);
  const { valid, device } = await checkPasswordWithinLimits(username, password, user?.passwordHash ?? null, client, { clearsLimit: !secondFactor });
  if (!user || !valid) {
    await recordAuthEvent({ type: "login_failure", username, userId: user?.id, client });
    throw new ApiError("invalid_credentials");
  }
  if (needsRehash(user.passwordHash)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  return { user: { id: user.id, username: user.username, role: user.role }, device, secondFactor };
}

/**
 * A session for a client that keeps cookies: the browser is remembered as one
 * of the user's devices (renewed, if its device cookie was one), in the same
 * transaction, and the device cookie goes out with the session's.
 */
export async function startCookieSession(
  user: SessionUser,
  client: ClientInfo,
  eventType: "login_success" | "register",
  known: TrustedDevice | null,
  { newUser, amr }: { newUser?: NewUserRow; amr?: AuthMethod[] } = {},
): Promise<StartedSession> {
  const { device, writes } = rememberDevice(user.id, known);
  return { ...(await startSession(user, client, eventType, { ...(newUser ? { newUser } : {}), ...(amr ? { amr } : {}), writes })), device };
}

/**
 * Checks credentials and opens a new session for them. For a user with TOTP
 * on, the password is only the first step: with a `code` or `backupCode` in
 * the same request the session opens at once; without one, a cookie client
 * gets a pending sign-in (lib/auth/second-factor/check.ts) and `mfa_required`.
 */
export async function openSession(
  credentials: Credentials & SecondFactorInput,
  client: ClientInfo,
  eventType: "login_success" | "token_issued",
): Promise<StartedSession> {
  const { user, device, secondFactor } = await checkCredentials(credentials, client);
  let amr: AuthMethod[] = ["pwd"];
  if (secondFactor) {
    if (!hasSecondFactor(credentials)) {
      // A Bearer client keeps no cookies: it sends the code with the password instead.
      if (eventType === "token_issued") throw new ApiError("mfa_required");
      return requireSecondFactor(user);
    }
    amr = ["pwd", ...(await checkSecondFactor(user, credentials, client, device)), "mfa"];
  }
  // A Bearer token's client keeps no cookies, so there is no browser to remember.
  if (eventType === "token_issued") return startSession(user, client, eventType, { amr });
  return startCookieSession(user, client, eventType, device, { amr });
}

export interface NewUser {
  username: string;
  password: string;
  name: string;
  dob?: Date | undefined;
  /** Optional; a claim until it is confirmed with the link mailed to it. */
  email?: string | undefined;
}

/**
 * Creates the account and its first session in one transaction; a taken
 * username is a 409, a common or breached password a 400. An email address is
 * stored as the account's claim whether or not another account owns it
 * (lib/use-cases/email.ts), so the answer never tells that an address is in
 * use; it counts against the limit on mail to unconfirmed addresses. The
 * look-up first spares the bcrypt work (and a failed insert) for a username
 * that is plainly taken; the unique index still decides a race.
 */
export async function createAccount(input: NewUser, client: ClientInfo): Promise<StartedSession> {
  await guardClientAddress(client, null);
  if (await db.user.findUnique({ where: { username: input.username }, select: { id: true } })) throw usernameTaken();
  const user: SessionUser = { id: crypto.randomUUID(), username: input.username, role: "USER" };
  await assertPasswordAllowed(input.password);
  // Counted once nothing else stands in the way, and before the account exists: a refusal leaves none behind.
  if (input.email) await guardAddressMail(user, client);
  const passwordHash = await hashPassword(input.password);
  try {
    return await startCookieSession(user, client, "register", null, {
      newUser: { id: user.id, username: input.username, name: input.name, dob: input.dob ?? null, email: input.email ?? null, passwordHash },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw usernameTaken();
    throw error;
  }
}

/** This browser's sign-in that waits for its second factor: the ceremony, its user and the browser's device. */
export interface PendingSignIn {
  ceremony: Ceremony;
  user: SessionUser;
  device: TrustedDevice | null;
}

/** The pending sign-in this request's cookie names, or `invalid_challenge` (none, expired or completed). */
export async function pendingSignIn(): Promise<PendingSignIn> {
  const ceremony = await currentCeremony("second-factor");
  const user = ceremony?.userId
    ? await db.user.findUnique({ where: { id: ceremony.userId }, select: { id: true, username: true, role: true } })
    : null;
  if (!ceremony || !user) throw new ApiError("invalid_challenge");
  return { ceremony, user, device: await trustedDevice(await requestDeviceToken(), user.username) };
}

/**
 * Completes a pending sign-in whose second factor (`methods`) has been
 * checked: the ceremony ends, exactly once, and the session opens with every
 * method proved on the way.
 */
export async function completeSignIn(pending: PendingSignIn, methods: AuthMethod[], client: ClientInfo): Promise<StartedSession> {
  if (!(await endCeremony(pending.ceremony))) throw new ApiError("invalid_challenge");
  // The password's check stayed counted until the second factor; a passkey clears it as a right code does.
  await clearPasswordChecks(pending.user.username, pending.device?.id ?? null);
  const amr = [...new Set<AuthMethod>([...pending.ceremony.amr, ...methods, "mfa"])];
  return startCookieSession(pending.user, client, "login_success", pending.device, { amr });
}
