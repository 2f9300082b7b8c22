/**
 * This process's session cache and the listener that keeps it honest, made
 * once (on globalThis, as `next dev` re-evaluates modules) and started on the
 * first session check. With SESSION_CACHE=off there is neither: no cache, no
 * listening connection, and every check asks the database.
 */
import "server-only";
import { config } from "@/lib/config";
import { SessionCache } from "@/lib/auth/sessions/cache";
import { SessionNoticeListener } from "@/lib/auth/sessions/notices";
import type { PublicUserRow } from "@/lib/users/access";

const holder = globalThis as typeof globalThis & { tesseraSessionCache?: SessionCache<PublicUserRow> | null };

/** The listener lives on through its connection and timers; only the cache needs holding. */
function create(): SessionCache<PublicUserRow> | null {
  if (!config().sessionCache) return null;
  const cache = new SessionCache<PublicUserRow>();
  new SessionNoticeListener(cache).start();
  return cache;
}

/** The cache, or null when SESSION_CACHE=off. */
export function sessionCache(): SessionCache<PublicUserRow> | null {
  if (holder.tesseraSessionCache === undefined) holder.tesseraSessionCache = create();
  return holder.tesseraSessionCache;
}

/**
 * After this process has committed the end of a session: forget it here at
 * once (the notice reaches the other instances, and this one again, moments later).
 */
export function forgetSession(sessionId: string): void {
  holder.tesseraSessionCache?.forgetSession(sessionId);
}

/** After this process has committed a change to a user (role, profile, deletion, every session ended). */
export function forgetUser(userId: string): void {
  holder.tesseraSessionCache?.forgetUser(userId);
}
