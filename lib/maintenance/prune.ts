/**
 * Retention: what has ended is deleted a while after it ended, so the database
 * does not grow with every sign-in, refresh and failed attempt forever.
 *
 * - Sessions that ended (revoked, past their absolute end, or idle: the rule in
 *   lib/auth/sessions/lifetime.ts) more than SESSION_RETENTION ago, and the
 *   hashes of their rotated refresh tokens. Recently ended sessions stay a
 *   while: a refresh token stolen from one is still recognised as reuse.
 * - Auth events older than EVENT_RETENTION.
 * - Rate-limit windows that have passed (they would be reset on their next hit).
 * - Sign-in steps (WebAuthn challenges, pending sign-ins) past their 5 minutes.
 * - Email and reset links, and invitations to an organization, past their
 *   lifetime and never used. (A used invitation stays, as the record of who
 *   joined by it; an expired one opens nothing, as an unknown one does.)
 *
 * The server runs this every hour (lib/maintenance/schedule.ts); `npm run
 * db:prune` runs it once. Several instances may try at the same moment: a
 * PostgreSQL advisory lock, taken with `pg_try_advisory_xact_lock` inside the
 * transaction that does the work (so on the same connection, and released by
 * its commit or rollback, even if the process dies), lets one prune and the
 * others skip. Deletes go in batches, each statement well inside DB_TIMEOUT_MS,
 * and a run stops starting batches after a time budget; the next run goes on.
 */
import "server-only";
import type { Prisma } from "@/lib/db/generated/client";
import type { Database } from "@/lib/db/prisma";
import { endedSessionWhere } from "@/lib/auth/sessions/lifetime";

export interface PruneSettings {
  /** REFRESH_TOKEN_TTL, seconds: a cookie session unused this long has ended. */
  refreshTokenTtl: number;
  /** Seconds. */
  retention: { sessions: number; events: number; rateLimitWindow: number };
  database: { timeoutMs: number };
}

export interface PruneCounts {
  sessions: number;
  rotatedRefreshTokens: number;
  authEvents: number;
  rateLimits: number;
  /** Sign-in steps (WebAuthn challenges, pending sign-ins, sign-ins with a provider) past their lifetime, never completed. */
  ceremonies: number;
  /** Email and reset links past their lifetime, never used. */
  accountTokens: number;
  /** Invitations to an organization past their lifetime, never accepted. */
  invitations: number;
  /** False when the time budget ran out with rows left to delete. */
  complete: boolean;
}

export type PruneResult = ({ skipped: false } & PruneCounts) | { skipped: true };

/** Identifies this job's advisory lock; an arbitrary constant ("tess" in ASCII) no other lock in Tessera uses. */
export const PRUNE_LOCK_KEY = 0x74657373;
const BATCH_SIZE = 1000;
/** No new batch starts after this long; together with one batch's statements it bounds the transaction. */
const BUDGET_MS = 20_000;

type Tx = Prisma.TransactionClient;

/**
 * Deletes `find`'s rows batch by batch until a batch comes back short (done);
 * no batch starts after the deadline. `remove` re-checks the condition, so a
 * row that changed since it was found (a rate-limit window reopened) stays.
 */
async function inBatches<Key>(
  deadline: number,
  find: () => Promise<Key[]>,
  remove: (keys: Key[]) => Promise<{ count: number }>,
): Promise<{ count: number; complete: boolean }> {
  let count = 0;
  while (Date.now() < deadline) {
    const keys = await find();
    if (keys.length > 0) count += (await remove(keys)).count;
    if (keys.length < BATCH_SIZE) return { count, complete: true };
  }
  return { count, complete: false };
}

function secondsBefore(moment: Date, seconds: number): Date {
  return new Date(moment.getTime() - seconds * 1000);
}

async function pruneLocked(tx: Tx, settings: PruneSettings, now: Date, deadline: number): Promise<PruneCounts> {
  const ended = endedSessionWhere(secondsBefore(now, settings.retention.sessions), settings.refreshTokenTtl);
  const eventsBefore = secondsBefore(now, settings.retention.events);
  const windowsFrom = secondsBefore(now, settings.retention.rateLimitWindow);

  // Rotated hashes first, in batches of their own: a long session leaves thousands,
  // too many to go in one cascade. Their sessions follow once none is left.
  const rotated = await inBatches(
    deadline,
    async () => (await tx.rotatedRefreshToken.findMany({ where: { session: ended }, select: { hash: true }, take: BATCH_SIZE })).map((row) => row.hash),
    (hashes) => tx.rotatedRefreshToken.deleteMany({ where: { hash: { in: hashes }, session: ended } }),
  );
  const sessions = await inBatches(
    deadline,
    async () => (await tx.session.findMany({ where: ended, select: { id: true }, take: BATCH_SIZE })).map((row) => row.id),
    (ids) => tx.session.deleteMany({ where: { id: { in: ids }, ...ended } }),
  );
  const events = await inBatches(
    deadline,
    async () =>
      (await tx.authEvent.findMany({ where: { createdAt: { lt: eventsBefore } }, select: { id: true }, take: BATCH_SIZE })).map((row) => row.id),
    (ids) => tx.authEvent.deleteMany({ where: { id: { in: ids }, createdAt: { lt: eventsBefore } } }),
  );
  const rateLimits = await inBatches(
    deadline,
    async () =>
      (await tx.rateLimit.findMany({ where: { windowStart: { lte: windowsFrom } }, select: { key: true }, take: BATCH_SIZE })).map((row) => row.key),
    (keys) => tx.rateLimit.deleteMany({ where: { key: { in: keys }, windowStart: { lte: windowsFrom } } }),
  );
  const ceremonies = await inBatches(
    deadline,
    async () => (await tx.authChallenge.findMany({ where: { expiresAt: { lte: now } }, select: { id: true }, take: BATCH_SIZE })).map((row) => row.id),
    (ids) => tx.authChallenge.deleteMany({ where: { id: { in: ids }, expiresAt: { lte: now } } }),
  );
  const flows = await inBatches(
    deadline,
    async () => (await tx.oAuthFlow.findMany({ where: { expiresAt: { lte: now } }, select: { id: true }, take: BATCH_SIZE })).map((row) => row.id),
    (ids) => tx.oAuthFlow.deleteMany({ where: { id: { in: ids }, expiresAt: { lte: now } } }),
  );
  const accountTokens = await inBatches(
    deadline,
    async () => (await tx.accountToken.findMany({ where: { expiresAt: { lte: now } }, select: { id: true }, take: BATCH_SIZE })).map((row) => row.id),
    (ids) => tx.accountToken.deleteMany({ where: { id: { in: ids }, expiresAt: { lte: now } } }),
  );
  const invitations = await inBatches(
    deadline,
    async () =>
      (await tx.invitation.findMany({ where: { acceptedAt: null, expiresAt: { lte: now } }, select: { id: true }, take: BATCH_SIZE })).map((row) => row.id),
    (ids) => tx.invitation.deleteMany({ where: { id: { in: ids }, acceptedAt: null, expiresAt: { lte: now } } }),
  );
  return {
    sessions: sessions.count,
    rotatedRefreshTokens: rotated.count,
    authEvents: events.count,
    rateLimits: rateLimits.count,
    ceremonies: ceremonies.count + flows.count,
    accountTokens: accountTokens.count,
    invitations: invitations.count,
    complete: [rotated, sessions, events, rateLimits, ceremonies, flows, accountTokens, invitations].every((run) => run.complete),
  };
}

/** One prune of the database behind `prisma`; `{ skipped: true }` when another instance holds the lock. */
export async function prune(prisma: Database, settings: PruneSettings, now = new Date()): Promise<PruneResult> {
  const deadline = Date.now() + BUDGET_MS;
  // After the budget, at most one batch (a find and a delete, each bounded by DB_TIMEOUT_MS) is still running.
  const timeout = BUDGET_MS + 2 * settings.database.timeoutMs;
  return prisma.$transaction(
    async (tx): Promise<PruneResult> => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${PRUNE_LOCK_KEY}::bigint) AS locked`;
      if (!lock?.locked) return { skipped: true };
      return { skipped: false, ...(await pruneLocked(tx, settings, now, deadline)) };
    },
    { timeout },
  );
}
