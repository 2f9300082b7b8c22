/**
 * The audit trail as the admin reads it back: the latest events, newest
 * first. Every event is written by an auth change (./changes.ts).
 */
import "server-only";
import { db } from "@/lib/db/client";
import type { AUTH_EVENT_TYPES } from "@/lib/schemas";

export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number];

/** The audit trail as the admin sees it. */
export interface AuthEventView {
  id: string;
  type: string;
  username: string | null;
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The organization the event is about, if any (it may since have been deleted). */
  organizationId: string | null;
  createdAt: string;
}

export async function latestAuthEvents(type?: AuthEventType): Promise<AuthEventView[]> {
  const rows = await db.authEvent.findMany({
    where: type ? { type } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 100,
    select: { id: true, type: true, username: true, userId: true, ip: true, userAgent: true, organizationId: true, createdAt: true },
  });
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
}
