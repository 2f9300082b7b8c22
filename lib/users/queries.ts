/**
 * Reading and creating users for the API and the admin page. Callers have
 * already passed the data-access layer's gate (verifySession / requireAdmin).
 */
import "server-only";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { hashPassword } from "@/lib/auth/password";
import { publicUser, publicUserSelect, type PublicUser } from "@/lib/auth/dto";
import { ApiError } from "@/lib/http/errors";

/** The one answer to a username that already exists, from registration or the admin API. */
export function usernameTaken(): ApiError {
  return new ApiError("conflict", "That username is taken.", { fields: { username: "That username is taken." } });
}

export interface UserPage {
  users: PublicUser[];
  nextCursor: string | null;
}

/** Users oldest first, keyset-paged by id so pages stay stable while users are added. */
export async function listUsers({ limit, cursor }: { limit: number; cursor?: string | undefined }): Promise<UserPage> {
  const rows = await db.user.findMany({
    select: publicUserSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, limit);
  return { users: page.map(publicUser), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
}

export interface CreateUserInput {
  username: string;
  name: string;
  password?: string | undefined;
  dob?: Date | undefined;
}

/**
 * Creates a user. Without a password the account gets the hash of a random
 * secret nobody knows, so it cannot sign in until a password is set.
 */
export async function createUser(input: CreateUserInput): Promise<PublicUser> {
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
