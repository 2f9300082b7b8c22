/**
 * The one protocol of an auth change: its writes and its audit rows commit in
 * one transaction; only after the commit is each event logged (one JSON line)
 * and this process's session cache told to forget the users and sessions the
 * change names (the cross-instance notice, ./sessions/notices.ts, tells the
 * other instances). Nothing else writes AuthEvent rows, logs auth events or
 * clears the session cache (tests/unit/auth-changes.test.ts), so no change can
 * forget a step. Callers pass names and ids only: no parameter here could
 * carry a token or a password.
 */
import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { log } from "@/lib/log";
import { forgetSession, forgetUser } from "@/lib/auth/sessions/process-cache";
import type { AuthEventType } from "@/lib/auth/audit-events";
import type { ClientInfo } from "@/lib/request/client-info";

export interface AuthEventInput {
  type: AuthEventType;
  username?: string | null;
  userId?: string | null;
  /** The request behind the event; absent where none is (a mail that failed after the response had gone). */
  client?: ClientInfo;
  /** The ADMIN who acted on someone else's account, or the member who acted on another in an organization; logged, not stored. */
  actor?: string;
  /** The organization the event is about (creating, deleting, inviting, joining, roles, removals, switching). */
  organizationId?: string | null;
}

/** What a committed change makes the session cache forget: users whose row changed, sessions that ended. */
export interface Forget {
  users?: readonly string[];
  sessions?: readonly string[];
}

/** What a change does beside its writes: its audit events, and what the session cache must forget. */
export interface ChangeEffects {
  events?: readonly AuthEventInput[];
  forget?: Forget;
}

function eventRow(event: AuthEventInput) {
  return {
    type: event.type,
    username: event.username ?? null,
    userId: event.userId ?? null,
    ...(event.client ? { ip: event.client.ip, userAgent: event.client.userAgent } : {}),
    ...(event.organizationId ? { organizationId: event.organizationId } : {}),
  };
}

function afterCommit({ events = [], forget = {} }: ChangeEffects): void {
  for (const id of forget.sessions ?? []) forgetSession(id);
  for (const id of forget.users ?? []) forgetUser(id);
  for (const event of events) {
    const { type, username, userId } = eventRow(event);
    const about = { ...(event.actor ? { actor: event.actor } : {}), ...(event.organizationId ? { organizationId: event.organizationId } : {}) };
    log.info({ event: type, username, userId, ip: event.client?.ip ?? null, ...about }, "auth_event");
  }
}

/** The handle a change's work gets on its own effects. */
export interface Change {
  /** Writes these events' audit rows in the change's transaction; each is logged once it commits. */
  record(...events: AuthEventInput[]): Promise<void>;
  /** Once the change commits, the session cache forgets these. */
  forget(scope: Forget): void;
}

/**
 * Runs `work` in one interactive transaction; what it recorded and named to
 * forget takes effect only if the transaction commits. A throw rolls it all
 * back and leaves no log line and the cache as it was.
 */
export async function commitAuthChange<T>(work: (tx: Prisma.TransactionClient, change: Change) => Promise<T>): Promise<T> {
  const events: AuthEventInput[] = [];
  const users: string[] = [];
  const sessions: string[] = [];
  const value = await db.$transaction(async (tx) =>
    work(tx, {
      async record(...recorded) {
        if (recorded.length === 1) await tx.authEvent.create({ data: eventRow(recorded[0]!) });
        else if (recorded.length > 1) await tx.authEvent.createMany({ data: recorded.map(eventRow) });
        events.push(...recorded);
      },
      forget(scope) {
        users.push(...(scope.users ?? []));
        sessions.push(...(scope.sessions ?? []));
      },
    }),
  );
  afterCommit({ events, forget: { users, sessions } });
  return value;
}

type Results<P extends readonly Prisma.PrismaPromise<unknown>[]> = { [K in keyof P]: Awaited<P[K]> };

/**
 * `commitAuthChange` for writes prepared up front (one batch transaction, no
 * round trip between them): `writes` and the events' rows commit together;
 * answers the writes' results, in order.
 */
export async function commitAuthWrites<const P extends readonly Prisma.PrismaPromise<unknown>[]>(writes: P, effects: ChangeEffects): Promise<Results<P>> {
  const events = effects.events ?? [];
  const results = await db.$transaction([...writes, ...events.map((event) => db.authEvent.create({ data: eventRow(event) }))]);
  afterCommit(effects);
  return results.slice(0, writes.length) as Results<P>;
}

/**
 * An event that is a change of its own (a failure, a refusal, a link handed
 * out): its row, then its log line. `loggedBy` names where a caller already
 * logs the event in its own form (the mailer's `mail_failed`): then no second
 * line is written.
 */
export async function recordAuthEvent(event: AuthEventInput, { loggedBy }: { loggedBy?: string } = {}): Promise<void> {
  await db.authEvent.create({ data: eventRow(event) });
  if (!loggedBy) afterCommit({ events: [event] });
}
