import { loginRedirectPath } from "@/lib/edge/paths";
import { clientInfo } from "@/lib/request/client-info";
import { ApiError } from "@/lib/errors";
import { handlers, ok, seeOther } from "@/lib/http/route";
import { unavailablePage } from "@/lib/http/unavailable";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { safeNextPath } from "@/lib/next-path";
import { refreshCookies } from "@/lib/use-cases/tokens";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/refresh — API clients: a new access token and a rotated
   * refresh token, in cookies only; 200 `{data: {expiresAt}}`.
   */
  async POST(request) {
    const started = await refreshCookies(clientInfo(request.headers));
    return ok({ expiresAt: started.token.expiresAt.toISOString() });
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
      await refreshCookies(clientInfo(request.headers));
      return seeOther(next);
    } catch (error) {
      // The database is out: the refresh token stays, and the browser gets the 503 page that retries.
      if (isDatabaseUnavailable(error)) return unavailablePage(next);
      // A refused refresh token: its cookies are gone, and the browser signs in again.
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      return seeOther(loginRedirectPath(next, ""));
    }
  },
});

