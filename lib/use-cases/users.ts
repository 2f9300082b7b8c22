/**
 * Users as the API and the admin page manage them: listing, reading, changing,
 * creating and deleting. Each checks who is asking (the data-access layer) and
 * validates its input; who may see or change what is decided next to the data
 * (lib/users/access.ts).
 */
import "server-only";
import { requireAdmin, requireRecentAuth, verifySession } from "@/lib/auth/dal";
import type { ClientInfo } from "@/lib/http/client-info";
import { validate } from "@/lib/http/validate";
import { createUserSchema, idSchema, myEmailSchema, myPasswordSchema, paginationSchema, updateUserSchema } from "@/lib/schemas";
import type { PublicUser, UserView } from "@/lib/users/access";
import * as users from "@/lib/users/queries";

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
 * sign-in (lib/users/queries.ts has the rules).
 */
export async function updateUser(id: unknown, changes: unknown, client: ClientInfo): Promise<UserView> {
  const editor = await verifySession();
  return users.updateUser(editor, validate(idSchema, { id }).id, validate(updateUserSchema, changes), client);
}

/**
 * The caller's own `{email}` (empty or null removes it), from the dashboard: a
 * user change like any other. Answers the address now on the account and
 * whether it changed (the same address again changes nothing).
 */
export async function changeMyEmail(input: unknown, client: ClientInfo): Promise<{ email: string | null; changed: boolean }> {
  const editor = await verifySession();
  const { email } = validate(myEmailSchema, input);
  await users.updateUser(editor, editor.user.id, { email }, client);
  return { email, changed: email !== editor.user.email };
}

/** The caller's own `{currentPassword, password}`, from the dashboard. */
export async function changeMyPassword(input: unknown, client: ClientInfo): Promise<UserView> {
  const editor = await verifySession();
  return users.updateUser(editor, editor.user.id, validate(myPasswordSchema, input), client);
}

/** ADMIN: creates `{username, name, password?, dob?}`. */
export async function createUser(input: unknown): Promise<PublicUser> {
  await requireAdmin();
  return users.createUser(validate(createUserSchema, input));
}

/** ADMIN, recently signed in: deletes user `{id}`; their sessions end with them. */
export async function deleteUser(input: unknown): Promise<void> {
  await requireRecentAuth(await requireAdmin());
  await users.deleteUser(validate(idSchema, input).id);
}
