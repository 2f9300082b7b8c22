import { refreshSession } from "@/lib/auth/sessions/refresh";
import { clearSessionCookies, requestRefreshToken, setSessionCookies } from "@/lib/auth/sessions/cookies";
import { loginRedirectPath } from "@/lib/edge/paths";
import { clientInfo } from "@/lib/http/client-info";
import { ApiError } from "@/lib/errors";
import { handlers, ok, seeOther } from "@/lib/http/route";
import { unavailablePage } from "@/lib/http/unavailable";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { safeNextPath } from "@/lib/schemas";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/refresh — API clients: a new access token and a rotated
   * refresh token, in cookies only; 200 `{data: {expiresAt}}`.
   */
  async POST(request) {
    try {
      const started = await refreshSession(await requestRefreshToken(), clientInfo(request.headers));
      await setSessionCookies(started);
      return ok({ expiresAt: started.token.expiresAt.toISOString() });
    } catch (error) {
      // A refused refresh token is useless; clearing it stops the client retrying it.
      if (error instanceof ApiError && error.status === 401) await clearSessionCookies();
      throw error;
    }
  },
  /**
   * GET /api/auth/refresh?next=/path — browsers: the middleware sends a page
   * request here when its access token is missing or expired, because only the
   * auth routes receive the refresh cookie. Success goes back to `next`; failure
   * goes to sign in, then back to `next`; a database outage gets the 503 page.
   */
  async GET(request) {
    const next = safeNextPath(request.nextUrl.searchParams.get("next"), "/");
    try {
      await setSessionCookies(await refreshSession(await requestRefreshToken(), clientInfo(request.headers)));
      return seeOther(next);
    } catch (error) {
      // The database is out: the refresh token stays, and the browser gets the 503 page that retries.
      if (isDatabaseUnavailable(error)) return unavailablePage(next);
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      await clearSessionCookies();
      return seeOther(loginRedirectPath(next, ""));
    }
  },
});

