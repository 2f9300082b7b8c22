/**
 * Ending sessions: signing out, ending one of your own sessions, signing out
 * everywhere, and an ADMIN ending all of a user's sessions. Route handlers and
 * the dashboard's and admin page's forms call these alike.
 */
import "server-only";
import { optionalSession, requireAdmin, verifySession } from "@/lib/auth/dal";
import { clearSessionCookies, requestRefreshToken } from "@/lib/auth/sessions/cookies";
import { endSessions } from "@/lib/auth/sessions/end";
import { sessionByRefreshToken } from "@/lib/auth/sessions/list";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { idSchema } from "@/lib/schemas";

/**
 * Signs the caller out: the session is found by the access token or, once that
 * has expired, by the refresh token (sent to the auth routes only), and
 * revoked. The cookies are cleared in any case, so a client can always get
 * back to a clean state.
 */
export async function signOut(client: ClientInfo): Promise<void> {
  const verified = await optionalSession();
  const session = verified ? { id: verified.sessionId, user: verified.user } : await sessionByRefreshToken(await requestRefreshToken());
  if (session) await endSessions({ user: session.user, only: session.id, client });
  await clearSessionCookies();
}

/**
 * Ends one of the caller's own sessions, `{id}`; someone else's is "not found".
 * Ending the current one signs the caller out here too.
 */
export async function endSession(input: unknown, client: ClientInfo): Promise<{ current: boolean }> {
  const { user, sessionId } = await verifySession();
  const { id } = validate(idSchema, input);
  if ((await endSessions({ user, only: id, client })) === 0) throw new ApiError("not_found", "No such session.");
  const current = id === sessionId;
  if (current) await clearSessionCookies();
  return { current };
}

/** Signs out everywhere: every session of the caller, this one included, and their trusted devices. */
export async function endAllSessions(client: ClientInfo): Promise<void> {
  const { user } = await verifySession();
  await endSessions({ user, client });
  await clearSessionCookies();
}

/**
 * ADMIN: ends every session of user `{id}` at once. An admin who ends their
 * own sessions is signed out here too.
 */
export async function endUserSessions(input: unknown, client: ClientInfo): Promise<{ self: boolean }> {
  const { user } = await requireAdmin();
  const { id } = validate(idSchema, input);
  await endSessions({ user: { id }, admin: user, client });
  const self = id === user.id;
  if (self) await clearSessionCookies();
  return { self };
}
