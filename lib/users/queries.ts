/**
 * Reading and creating users for the API and the admin page. Callers have
 * already passed the data-access layer's gate (verifySession / requireAdmin).
 */
import "server-only";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { hashPassword } from "@/lib/auth/passwords/hash";
import { assertPasswordAllowed } from "@/lib/auth/passwords/policy";
import { checkPasswordWithinLimits } from "@/lib/auth/sign-in/credentials";
import { dropAccountTokens } from "@/lib/auth/account-tokens";
import { guardAddressMail } from "@/lib/auth/sign-in/limits";
import { revokeDevices } from "@/lib/auth/sign-in/trusted-devices";
import { revokeSessions } from "@/lib/auth/sessions/end";
import { forgetUser } from "@/lib/auth/sessions/process-cache";
import { assertRecentAuth } from "@/lib/auth/dal";
import { authEventData, logAuthEvent, recordAuthEvent, type AuthEventInput } from "@/lib/auth/audit-events";
import { sendNotice } from "@/lib/mail/notices";
import { mailAddressClaim } from "@/lib/mail/verification";
import {
  assertMayChangeCredentials,
  assertMayChangeRole,
  assertMayManage,
  publicUser,
  publicUserSelect,
  userFor,
  type AdminViewer,
  type PublicUser,
  type UserView,
  type Viewer,
} from "@/lib/users/access";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/http/client-info";

/** The one answer to a username that already exists, from registration or the admin API. */
export function usernameTaken(): ApiError {
  return new ApiError("conflict", "That username is taken.", { fields: { username: "That username is taken." } });
}

export interface UserPage<User extends UserView = UserView> {
  users: User[];
  nextCursor: string | null;
}

interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

/**
 * Users oldest first, keyset-paged by id so pages stay stable while users are
 * added; each as `viewer` may see them (lib/users/access.ts `userFor`).
 */
export async function listUsers(viewer: AdminViewer, query: PageQuery): Promise<UserPage<PublicUser>>;
export async function listUsers(viewer: Viewer, query: PageQuery): Promise<UserPage>;
export async function listUsers(viewer: Viewer, { limit, cursor }: PageQuery): Promise<UserPage> {
  const rows = await db.user.findMany({
    select: publicUserSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, limit);
  return { users: page.map((row) => userFor(viewer, row)), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
}

export interface CreateUserInput {
  username: string;
  name: string;
  password?: string | undefined;
  dob?: Date | undefined;
}

/**
 * Creates a user. Without a password the account gets the hash of a random
 * secret nobody knows, so it cannot sign in until a password is set. A given
 * password must pass the password policy (lib/auth/passwords/policy.ts).
 */
export async function createUser(input: CreateUserInput): Promise<PublicUser> {
  if (input.password !== undefined) await assertPasswordAllowed(input.password);
  const passwordHash = await hashPassword(input.password ?? crypto.randomUUID() + crypto.randomUUID());
  try {
    const row = await db.user.create({
      data: { username: input.username, name: input.name, dob: input.dob ?? null, passwordHash },
      select: publicUserSelect,
    });
    return publicUser(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw usernameTaken();
    throw error;
  }
}

export async function getUser(viewer: Viewer, id: string): Promise<UserView> {
  assertMayManage(viewer, id);
  const row = await db.user.findUnique({ where: { id }, select: publicUserSelect });
  if (!row) throw new ApiError("not_found", "No such user.");
  return userFor(viewer, row);
}

export interface UserChanges {
  name?: string | undefined;
  dob?: Date | null | undefined;
  email?: string | null | undefined;
  password?: string | undefined;
  currentPassword?: string | undefined;
  role?: "USER" | "ADMIN" | undefined;
}

interface Editor {
  user: PublicUser;
  sessionId: string;
}

/** The one answer to an email address another account has confirmed, for your own account's address change. */
export function emailTaken(): ApiError {
  return new ApiError("conflict", "That email address is in use.", { fields: { email: "That email address is in use." } });
}

/**
 * PATCH /api/users/:id rules (docs/api.md): yourself or an ADMIN; only an ADMIN
 * changes roles; only the owner sets the password or email address (an ADMIN
 * hands out a reset link instead); a new password, email address or role
 * needs a recent sign-in of the editor's session (`reauth_required`, checked
 * after who may do it at all). Changing your password needs the current one
 * and ends your other sessions and forgets the account's trusted devices. A
 * wrong `currentPassword` counts against the same per-username limit as a
 * failed sign-in: whoever holds a stolen access token must not guess without
 * limit. A new address is a claim until it is confirmed with the link mailed
 * to it (when this server has mail), and counts against the limit on such
 * mail; one another account has confirmed is a 409 (only the owner changes
 * the address, so this tells nothing about anyone else's account). The old
 * address, if it was confirmed, is told. A new password ends the account's
 * outstanding reset links, and the owner is told of it.
 */
export async function updateUser(editor: Editor, id: string, changes: UserChanges, client: ClientInfo): Promise<UserView> {
  assertMayManage(editor.user, id);
  assertMayChangeCredentials(editor.user, id, changes);
  if (changes.role !== undefined) assertMayChangeRole(editor.user);

  const target = await db.user.findUnique({
    where: { id },
    select: { id: true, username: true, name: true, passwordHash: true, email: true, emailVerifiedAt: true },
  });
  if (!target) throw new ApiError("not_found", "No such user.");
  // The address it already has is no change: nothing to confirm, nobody to tell.
  const newEmail = changes.email !== undefined && changes.email !== target.email ? { email: changes.email } : undefined;
  if (changes.password !== undefined || changes.role !== undefined || newEmail) await assertRecentAuth(editor.sessionId);
  if (newEmail?.email) {
    await guardAddressMail(target, client);
    const owner = await db.user.findFirst({ where: { email: newEmail.email, emailVerifiedAt: { not: null }, NOT: { id } }, select: { id: true } });
    if (owner) throw emailTaken();
  }

  let passwordHash: string | undefined;
  if (changes.password !== undefined) {
    const current = changes.currentPassword;
    if (!(current && (await checkPasswordWithinLimits(target.username, current, target.passwordHash, client)).valid)) {
      throw new ApiError("validation_error", "Your current password is needed to set a new one.", {
        fields: { currentPassword: "Current password is incorrect." },
      });
    }
    await assertPasswordAllowed(changes.password);
    passwordHash = await hashPassword(changes.password);
  }

  const emailChanged: AuthEventInput = { type: "email_changed", username: target.username, userId: id, client };
  const [row] = await db.$transaction([
    db.user.update({
      where: { id },
      data: { name: changes.name, dob: changes.dob, role: changes.role, passwordHash, ...(newEmail ? { ...newEmail, emailVerifiedAt: null } : {}) },
      select: publicUserSelect,
    }),
    ...(passwordHash ? [revokeDevices(id)] : []),
    // A reset link handed out or mailed before must not set the password back over the new one.
    ...(passwordHash ? [dropAccountTokens(db, id, "reset-password")] : []),
    // Links mailed to the old address stop working with it.
    ...(newEmail ? [dropAccountTokens(db, id)] : []),
    ...(newEmail ? [db.authEvent.create({ data: authEventData(emailChanged) })] : []),
  ]);
  // The session check reads the user's role and profile: this instance must not answer with the old ones.
  forgetUser(id);
  if (passwordHash) {
    await revokeSessions(target, client, { except: editor.sessionId });
    await recordAuthEvent({ type: "password_changed", username: target.username, userId: id, client });
    sendNotice(id, { kind: "password_changed" });
  }
  if (newEmail) {
    logAuthEvent(emailChanged);
    if (target.email && target.emailVerifiedAt) sendNotice(id, { kind: "email_changed", newAddress: newEmail.email }, { to: target.email });
    if (newEmail.email) mailAddressClaim(id, newEmail.email);
  }
  return userFor(editor.user, row);
}

/** Deletes a user; their sessions go with them (cascade), so every token they hold stops working at once. */
export async function deleteUser(id: string): Promise<void> {
  const { count } = await db.user.deleteMany({ where: { id } });
  forgetUser(id);
  if (count === 0) throw new ApiError("not_found", "No such user.");
}

/** What an ADMIN sees of how a user signs in: whether TOTP is on and how many passkeys they have, never a secret or key. */
export interface SignInMethods {
  totp: boolean;
  passkeys: number;
}

/** Sign-in methods of these users, for an ADMIN (the type asks for one: nobody else may see them). */
export async function signInMethodsOf(_admin: AdminViewer, userIds: string[]): Promise<Map<string, SignInMethods>> {
  const rows = await db.user.findMany({
    where: { id: { in: userIds } },
    select: { id: true, totpEnabledAt: true, _count: { select: { passkeys: true } } },
  });
  return new Map(rows.map((row) => [row.id, { totp: row.totpEnabledAt !== null, passkeys: row._count.passkeys }]));
}
