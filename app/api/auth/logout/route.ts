import { optionalSession } from "@/lib/auth/dal";
import { clearSessionCookies, requestRefreshToken } from "@/lib/auth/session-cookies";
import { revokeSessions, sessionByRefreshToken } from "@/lib/auth/session-queries";
import { clientInfo } from "@/lib/http/client-info";
import { handlers, noContent } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE } = handlers({
  /**
   * POST /api/auth/logout — revokes the session and clears both cookies. The
   * session is found by the access token or, once that has expired, by the
   * refresh token (sent here because this is an auth route). The cookies are
   * cleared in any case, so a client can always get back to a clean state.
   */
  async POST(request) {
    const verified = await optionalSession();
    const session = verified
      ? { id: verified.sessionId, user: verified.user }
      : await sessionByRefreshToken(await requestRefreshToken());
    if (session) await revokeSessions(session.user, clientInfo(request.headers), { only: session.id });
    await clearSessionCookies();
    return noContent();
  },
});
