/**
 * Fresh tokens for a live session: the refresh exchange (POST and GET
 * /api/auth/refresh) and the home page's "Get token". Bearer tokens for API
 * clients are a sign-in of their own (./sign-in.ts).
 */
import "server-only";
import { recordAuthEvent } from "@/lib/auth/changes";
import type { VerifiedSession } from "@/lib/auth/dal";
import { clearSessionCookies, requestRefreshToken, setSessionCookies } from "@/lib/auth/sessions/cookies";
import { refreshSession } from "@/lib/auth/sessions/refresh";
import { currentProof, issueAccessToken, type StartedSession } from "@/lib/auth/sessions/start";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";

/**
 * Exchanges this request's refresh cookie for new session cookies. A refused
 * refresh token (401) is useless: its cookies are cleared, which stops the
 * client retrying it, and the error goes on to the caller.
 */
export async function refreshCookies(client: ClientInfo): Promise<StartedSession> {
  try {
    const started = await refreshSession(await requestRefreshToken(), client);
    await setSessionCookies(started);
    return started;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) await clearSessionCookies();
    throw error;
  }
}

/** "Get token": a fresh access cookie for `session`, carrying its current proof; recorded as `token_issued`. */
export async function renewAccessToken(session: VerifiedSession, client: ClientInfo): Promise<void> {
  await setSessionCookies({ token: await issueAccessToken(session.user, await currentProof(session.sessionId)) });
  const { username, id: userId } = session.user;
  await recordAuthEvent({ type: "token_issued", username, userId, client });
}
