/**
 * The audit trail: every auth event is stored as an AuthEvent and logged as
 * one JSON line, and the admin reads the latest back. Callers pass names and
 * ids only; this module has no parameter through which a token or password
 * could travel.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import type { ClientInfo } from "@/lib/http/client-info";
import type { AUTH_EVENT_TYPES } from "@/lib/schemas";

export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number];

export interface AuthEventInput {
  type: AuthEventType;
  username?: string | null;
  userId?: string | null;
  client: ClientInfo;
  /** The ADMIN who acted on someone else's account (`sessions_revoked`); logged, not stored. */
  actor?: string;
}

export function authEventData(event: AuthEventInput) {
  return {
    type: event.type,
    username: event.username ?? null,
    userId: event.userId ?? null,
    ip: event.client.ip,
    userAgent: event.client.userAgent,
  };
}

export function logAuthEvent(event: AuthEventInput): void {
  const { type, username, userId, ip } = authEventData(event);
  log.info({ event: type, username, userId, ip, ...(event.actor ? { actor: event.actor } : {}) }, "auth_event");
}

/** Stores and logs one event on its own (for events outside a larger transaction). */
export async function recordAuthEvent(event: AuthEventInput): Promise<void> {
  await db.authEvent.create({ data: authEventData(event) });
  logAuthEvent(event);
}

/** The audit trail as the admin sees it. */
export interface AuthEventView {
  id: string;
  type: string;
  username: string | null;
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

export async function latestAuthEvents(type?: AuthEventType): Promise<AuthEventView[]> {
  const rows = await db.authEvent.findMany({
    where: type ? { type } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 100,
    select: { id: true, type: true, username: true, userId: true, ip: true, userAgent: true, createdAt: true },
  });
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
}
