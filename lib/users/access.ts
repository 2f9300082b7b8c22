/**
 * Who may see and change which user, and how much of them, decided in this one
 * place. Never the password hash: every response and page that shows a user
 * goes through `publicUser`, and every one that shows a user to someone else
 * goes through `userFor`: least privilege, so a signed-in user cannot harvest
 * everyone's date of birth or find out who the admins are. A user's own record
 * may be read and changed by that user and by an ADMIN (`assertMayManage`).
 */
import { ApiError } from "@/lib/errors";
import type { Role } from "@/lib/edge/tokens";

export const publicUserSelect = {
  id: true,
  username: true,
  name: true,
  dob: true,
  email: true,
  emailVerifiedAt: true,
  role: true,
  createdAt: true,
} as const;

/** The same fields as SQL columns of the User table aliased `alias`, for hand-written reads (lib/db/sql.ts). */
export function publicUserColumns(alias: string): string {
  return Object.keys(publicUserSelect)
    .map((field) => (field === "role" ? `${alias}."role"::text AS "role"` : `${alias}."${field}"`))
    .join(", ");
}

export interface PublicUserRow {
  id: string;
  username: string;
  name: string;
  dob: Date | null;
  email: string | null;
  emailVerifiedAt: Date | null;
  role: Role;
  createdAt: Date;
}

export interface PublicUser {
  id: string;
  username: string;
  name: string;
  dob: string | null;
  email: string | null;
  /** Whether the account confirmed `email` with the link mailed to it; until then it is only a claim, and recovery mail goes only to a confirmed address. */
  emailVerified: boolean;
  role: Role;
  createdAt: string;
}

export function publicUser(row: PublicUserRow): PublicUser {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    dob: row.dob ? row.dob.toISOString().slice(0, 10) : null,
    email: row.email,
    emailVerified: row.emailVerifiedAt !== null,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
  };
}

/** What anyone signed in may see of another user: who they are, nothing about them. */
export interface UserSummary {
  id: string;
  username: string;
  name: string;
}

export type UserView = PublicUser | UserSummary;

/** Who is looking; the role must be the one read from the database (the DAL's `session.user`), not the token's. */
export interface Viewer {
  id: string;
  role: Role;
}

export type AdminViewer = Viewer & { role: "ADMIN" };

/** A user as `viewer` may see them: all fields of themselves, or of anyone for an ADMIN; otherwise id, username and name. */
export function userFor(viewer: AdminViewer, row: PublicUserRow): PublicUser;
export function userFor(viewer: Viewer, row: PublicUserRow): UserView;
export function userFor(viewer: Viewer, row: PublicUserRow): UserView {
  if (viewer.role === "ADMIN" || viewer.id === row.id) return publicUser(row);
  return { id: row.id, username: row.username, name: row.name };
}

/** Reading or changing a user's own record: that user, or an ADMIN; anyone else gets 403. */
export function assertMayManage(viewer: Viewer, userId: string): void {
  if (viewer.id !== userId && viewer.role !== "ADMIN") throw new ApiError("forbidden");
}

/**
 * Only the account's owner sets its password or its email address: an admin
 * who chose them would know the password, or control where reset links go.
 * An ADMIN hands out a reset link instead (POST /api/users/:id/reset-link).
 */
export function assertMayChangeCredentials(viewer: Viewer, userId: string, changes: { password?: unknown; email?: unknown }): void {
  if (viewer.id === userId) return;
  if (changes.password !== undefined) {
    throw new ApiError("forbidden", "Only the user can choose their password. Hand out a reset link instead (POST /api/users/:id/reset-link).");
  }
  if (changes.email !== undefined) throw new ApiError("forbidden", "Only the user can change their email address.");
}

/** Only an ADMIN changes roles. */
export function assertMayChangeRole(viewer: Viewer): void {
  if (viewer.role !== "ADMIN") throw new ApiError("forbidden", "Only an ADMIN can change roles.");
}
