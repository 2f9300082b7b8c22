/**
 * Checking who someone is: passwords on sign-in and new accounts on register.
 * Both the JSON API and the HTML forms call these, so they answer alike.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import { recordAuthEvent } from "@/lib/auth/events";
import { clearSignInFailures, guardRegistration, guardSignIn, recordSignInFailure } from "@/lib/auth/rate-limit";
import { startSession, type SessionUser, type StartedSession } from "@/lib/auth/session";
import { ApiError } from "@/lib/http/errors";
import { usernameTaken } from "@/lib/users/queries";
import type { ClientInfo } from "@/lib/http/client-info";

export interface Credentials {
  username: string;
  password: string;
}

/**
 * The user these credentials belong to, or `invalid_credentials`. An unknown
 * username still costs one bcrypt comparison, and both failures give the same
 * answer, so neither the message nor the timing tells which usernames exist.
 */
export async function checkCredentials({ username, password }: Credentials, client: ClientInfo): Promise<SessionUser> {
  await guardSignIn(username, client);
  const user = await db.user.findUnique({
    where: { username },
    select: { id: true, username: true, role: true, passwordHash: true },
  });
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !valid) {
    await recordSignInFailure(username);
    await recordAuthEvent({ type: "login_failure", username, userId: user?.id, client });
    throw new ApiError("invalid_credentials");
  }
  await clearSignInFailures(username);
  if (needsRehash(user.passwordHash)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  return { id: user.id, username: user.username, role: user.role };
}

/** Checks credentials and opens a new session for them. */
export async function signIn(
  credentials: Credentials,
  client: ClientInfo,
  eventType: "login_success" | "token_issued" = "login_success",
): Promise<StartedSession> {
  return startSession(await checkCredentials(credentials, client), client, eventType);
}

export interface NewUser {
  username: string;
  password: string;
  name: string;
  dob?: Date | undefined;
}

/**
 * Creates the account and its first session in one transaction; a taken
 * username is a 409. The look-up first spares the bcrypt work (and a failed
 * insert) for a name that is plainly taken; the unique index still decides a race.
 */
export async function register(input: NewUser, client: ClientInfo): Promise<StartedSession> {
  await guardRegistration(client);
  if (await db.user.findUnique({ where: { username: input.username }, select: { id: true } })) throw usernameTaken();
  const user: SessionUser = { id: crypto.randomUUID(), username: input.username, role: "USER" };
  const passwordHash = await hashPassword(input.password);
  try {
    return await startSession(user, client, "register", {
      id: user.id,
      username: input.username,
      name: input.name,
      dob: input.dob ?? null,
      passwordHash,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw usernameTaken();
    throw error;
  }
}
