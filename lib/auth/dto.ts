/**
 * What the outside world may see of a user: never the password hash. Every
 * response and page that shows a user goes through `publicUser`.
 */
import type { Role } from "@/lib/auth/tokens";

export const publicUserSelect = {
  id: true,
  username: true,
  name: true,
  dob: true,
  role: true,
  createdAt: true,
} as const;

export interface PublicUserRow {
  id: string;
  username: string;
  name: string;
  dob: Date | null;
  role: Role;
  createdAt: Date;
}

export interface PublicUser {
  id: string;
  username: string;
  name: string;
  dob: string | null;
  role: Role;
  createdAt: string;
}

export function publicUser(row: PublicUserRow): PublicUser {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    dob: row.dob ? row.dob.toISOString().slice(0, 10) : null,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
  };
}
