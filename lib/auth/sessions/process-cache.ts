/**
 * This process's session cache and the listener that keeps it honest, made
 * once per process (lib/process-wide.ts) and started on the first session
 * check. With SESSION_CACHE=off there is neither: no cache, no listening
 * connection, and every check asks the database.
 */
import "server-only";
import { config } from "@/lib/config";
import { existingProcessWide, processWide } from "@/lib/process-wide";
import { SessionCache } from "@/lib/auth/sessions/cache";
import { SessionNoticeListener } from "@/lib/auth/sessions/notices";
import type { ActiveOrganization } from "@/lib/orgs/active";
import type { PublicUserRow } from "@/lib/users/access";

/** What the data-access layer remembers of a session the database let in. */
export interface CachedSession {
  user: PublicUserRow;
  /** The organization the session works in, with the user's role there; null for none. */
  org: ActiveOrganization | null;
  /** The token's `org` claim this was read for: a token that claims another is asked about afresh. */
  orgClaim: string | null;
}

const NAME = "sessionCache";

/** The listener lives on through its connection and timers; only the cache needs holding. */
function create(): SessionCache<CachedSession> | null {
  if (!config().sessionCache) return null;
  const cache = new SessionCache<CachedSession>();
  new SessionNoticeListener(cache).start();
  return cache;
}

/** The cache, or null when SESSION_CACHE=off. */
export function sessionCache(): SessionCache<CachedSession> | null {
  return processWide(NAME, create);
}

/**
 * After this process has committed the end of a session: forget it here at
 * once (the notice reaches the other instances, and this one again, moments later).
 */
export function forgetSession(sessionId: string): void {
  existingProcessWide<SessionCache<CachedSession> | null>(NAME)?.forgetSession(sessionId);
}

/** After this process has committed a change to a user (role, profile, deletion, every session ended, a membership). */
export function forgetUser(userId: string): void {
  existingProcessWide<SessionCache<CachedSession> | null>(NAME)?.forgetUser(userId);
}
