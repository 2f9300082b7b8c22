/**
 * Reading and creating user rows for the API and the admin page. Callers have
 * already passed the data-access layer's gate (verifySession / requireAdmin);
 * changing and deleting users, with all that goes with it, is the use case's
 * (lib/use-cases/users.ts).
 */
import "server-only";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { assertMayManage, publicUser, publicUserSelect, userFor, type AdminViewer, type PublicUser, type UserView, type Viewer } from "@/lib/users/access";
import { ApiError } from "@/lib/errors";
import { writeUserCursor, type UserCursor } from "@/lib/schemas";

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
  cursor?: UserCursor | undefined;
}

/**
 * Users oldest first, keyset-paged on (createdAt, id): a page starts after the
 * place the cursor names, so pages stay stable while users are added or
 * deleted; each as `viewer` may see them (lib/users/access.ts `userFor`).
 */
export async function listUsers(viewer: AdminViewer, query: PageQuery): Promise<UserPage<PublicUser>>;
export async function listUsers(viewer: Viewer, query: PageQuery): Promise<UserPage>;
export async function listUsers(viewer: Viewer, { limit, cursor }: PageQuery): Promise<UserPage> {
  const rows = await db.user.findMany({
    select: publicUserSelect,
    ...(cursor ? { where: { OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }] } } : {}),
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return { users: page.map((row) => userFor(viewer, row)), nextCursor: rows.length > limit ? writeUserCursor(page.at(-1)!) : null };
}

export interface NewUserRow {
  username: string;
  name: string;
  dob: Date | null;
  passwordHash: string;
}

/** Stores a new user; a taken username is a 409. */
export async function insertUser(data: NewUserRow): Promise<PublicUser> {
  try {
    return publicUser(await db.user.create({ data, select: publicUserSelect }));
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

/** The one answer to an email address another account has confirmed, for your own account's address change. */
export function emailTaken(): ApiError {
  return new ApiError("conflict", "That email address is in use.", { fields: { email: "That email address is in use." } });
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
