/** Creating an account, by the JSON API or the registration form: it is signed in at once. */
import "server-only";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { hashPassword } from "@/lib/auth/passwords/hash";
import { assertPasswordAllowed } from "@/lib/auth/passwords/policy";
import { guardAddressMail, guardClientAddress } from "@/lib/auth/sign-in/limits";
import type { SessionUser, StartedSession } from "@/lib/auth/sessions/start";
import { setSessionCookies } from "@/lib/auth/sessions/cookies";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { mailAddressClaim } from "@/lib/mail/verification";
import { registerSchema } from "@/lib/schemas";
import { usernameTaken } from "@/lib/users/queries";
import { startCookieSession } from "@/lib/use-cases/sign-in";

/**
 * Validates `{username, password, name, dob?, email?}`, creates the account
 * with its first session, and sets the cookies. An email address gets its
 * confirmation link, or, if another account already owns it, that owner is
 * told instead: the answer is the same either way.
 */
export async function register(input: unknown, client: ClientInfo): Promise<StartedSession> {
  const account = validate(registerSchema, input);
  const started = await createAccount(account, client);
  await setSessionCookies(started);
  if (account.email) mailAddressClaim(started.user.id, account.email);
  return started;
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
