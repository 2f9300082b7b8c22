/**
 * Users as the API and the admin page manage them: listing, reading, changing,
 * creating and deleting. Each checks who is asking (the data-access layer) and
 * validates its input; who may see or change what is decided next to the data
 * (lib/users/access.ts).
 */
import "server-only";
import { db } from "@/lib/db/client";
import { dropAccountTokens } from "@/lib/auth/account-tokens";
import { commitAuthChange, recordAuthEvent } from "@/lib/auth/changes";
import { requireAdmin, verifySession, type VerifiedSession } from "@/lib/auth/dal";
import { endSessions } from "@/lib/auth/sessions/end";
import { hashPassword } from "@/lib/auth/passwords/hash";
import { checkPasswordWithinLimits } from "@/lib/auth/sign-in/credentials";
import { guardAddressMail } from "@/lib/auth/sign-in/limits";
import { assertRecentAuth, requireRecentAuth } from "@/lib/auth/step-up";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { sendNotice } from "@/lib/mail/notices";
import { mailAddressClaim } from "@/lib/mail/verification";
import { createUserSchema, idSchema, myEmailSchema, myPasswordSchema, paginationSchema, updateUserSchema } from "@/lib/schemas";
import { assertMayChangeCredentials, assertMayChangeRole, assertMayManage, publicUserSelect, userFor, type PublicUser, type UserView } from "@/lib/users/access";
import * as users from "@/lib/users/queries";
import { allowedPasswordHash, writeNewPassword } from "@/lib/use-cases/set-password";

/** Signed in: users oldest first, `{limit?, cursor?}`, each as the caller may see them. */
export async function listUsers(query: unknown): Promise<users.UserPage> {
  const { user } = await verifySession();
  return users.listUsers(user, validate(paginationSchema, query));
}

/** Yourself, or anyone for an ADMIN: `{id}`. */
export async function getUser(input: unknown): Promise<UserView> {
  const { user } = await verifySession();
  return users.getUser(user, validate(idSchema, input).id);
}

/**
 * Changes `{name?, dob?, email?, password?, currentPassword?, role?}` of user
 * `id`: yourself, or anyone for an ADMIN (but only you set your password and
 * email address); a new password, email address or role also needs a recent
 * sign-in (`changeUser` below has the rules).
 */
export async function updateUser(id: unknown, changes: unknown, client: ClientInfo): Promise<UserView> {
  const editor = await verifySession();
  return changeUser(editor, validate(idSchema, { id }).id, validate(updateUserSchema, changes), client);
}

/**
 * The caller's own `{email}` (empty or null removes it), from the dashboard: a
 * user change like any other. Answers the address now on the account and
 * whether it changed (the same address again changes nothing).
 */
export async function changeMyEmail(input: unknown, client: ClientInfo): Promise<{ email: string | null; changed: boolean }> {
  const editor = await verifySession();
  const { email } = validate(myEmailSchema, input);
  await changeUser(editor, editor.user.id, { email }, client);
  return { email, changed: email !== editor.user.email };
}

/** The caller's own `{currentPassword, password}`, from the dashboard. */
export async function changeMyPassword(input: unknown, client: ClientInfo): Promise<UserView> {
  const editor = await verifySession();
  return changeUser(editor, editor.user.id, validate(myPasswordSchema, input), client);
}

/** ADMIN: creates `{username, name, password?, dob?}`. */
export async function createUser(input: unknown): Promise<PublicUser> {
  await requireAdmin();
  const { username, name, password, dob } = validate(createUserSchema, input);
  // Without a password the account gets the hash of a random secret nobody knows: it cannot sign in until one is set.
  const passwordHash = password !== undefined ? await allowedPasswordHash(password) : await hashPassword(crypto.randomUUID() + crypto.randomUUID());
  return users.insertUser({ username, name, dob: dob ?? null, passwordHash });
}

/** ADMIN, recently signed in: deletes user `{id}`; their sessions end with them. */
export async function deleteUser(input: unknown): Promise<void> {
  await requireRecentAuth(await requireAdmin());
  const { id } = validate(idSchema, input);
  // Their sessions go with them (cascade), so every token they hold stops working at once.
  const count = await commitAuthChange(async (tx, change) => {
    const { count } = await tx.user.deleteMany({ where: { id } });
    change.forget({ users: [id] });
    return count;
  });
  if (count === 0) throw new ApiError("not_found", "No such user.");
}

interface UserChanges {
  name?: string | undefined;
  dob?: Date | null | undefined;
  email?: string | null | undefined;
  password?: string | undefined;
  currentPassword?: string | undefined;
  role?: "USER" | "ADMIN" | undefined;
}

/**
 * PATCH /api/users/:id rules (docs/api.md): yourself or an ADMIN; only an ADMIN
 * changes roles; only the owner sets the password or email address (an ADMIN
 * hands out a reset link instead); a new password, email address or role
 * needs a recent sign-in of the editor's session (`reauth_required`, checked
 * after who may do it at all). Changing your password needs the current one
 * (an account made by a provider sets its first without one) and ends your other sessions and forgets the account's trusted devices. A
 * wrong `currentPassword` counts against the same per-username limit as a
 * failed sign-in: whoever holds a stolen access token must not guess without
 * limit. A new address is a claim until it is confirmed with the link mailed
 * to it (when this server has mail), and counts against the limit on such
 * mail; one another account has confirmed is a 409 (only the owner changes
 * the address, so this tells nothing about anyone else's account). The old
 * address, if it was confirmed, is told. A new password ends the account's
 * outstanding reset links, and the owner is told of it.
 */
async function changeUser(editor: VerifiedSession, id: string, changes: UserChanges, client: ClientInfo): Promise<UserView> {
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
    if (owner) throw users.emailTaken();
  }

  let passwordHash: string | undefined;
  if (changes.password !== undefined) {
    const current = changes.currentPassword;
    // An account made by a provider has no password yet: its first one needs the recent sign-in checked above, and no current one.
    if (target.passwordHash !== null && !(current && (await checkPasswordWithinLimits(target.username, current, target.passwordHash, client)).valid)) {
      throw new ApiError("validation_error", current ? "Your current password is needed to set a new one." : "Enter your current password.", {
        fields: { currentPassword: current ? "Current password is incorrect." : "Enter your current password." },
      });
    }
    passwordHash = await allowedPasswordHash(changes.password);
  }

  const row = await commitAuthChange(async (tx, change) => {
    const row = await tx.user.update({
      where: { id },
      data: { name: changes.name, dob: changes.dob, role: changes.role, ...(newEmail ? { ...newEmail, emailVerifiedAt: null } : {}) },
      select: publicUserSelect,
    });
    if (passwordHash) await writeNewPassword(tx, id, passwordHash);
    if (newEmail) {
      // Links mailed to the old address stop working with it.
      await dropAccountTokens(tx, id);
      await change.record({ type: "email_changed", username: target.username, userId: id, client });
    }
    // The session check reads the user's role and profile: no instance may answer with the old ones.
    change.forget({ users: [id] });
    return row;
  });
  if (passwordHash) {
    await endSessions({ user: target, except: editor.sessionId, client });
    await recordAuthEvent({ type: "password_changed", username: target.username, userId: id, client });
    sendNotice(id, { kind: "password_changed" });
  }
  if (newEmail) {
    if (target.email && target.emailVerifiedAt) sendNotice(id, { kind: "email_changed", newAddress: newEmail.email }, { to: target.email });
    if (newEmail.email) mailAddressClaim(id, newEmail.email);
  }
  return userFor(editor.user, row);
}
