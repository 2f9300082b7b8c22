import type { NextRequest } from "next/server";
import { optionalSession } from "@/lib/auth/dal";
import { clearSessionCookie, revokeSession } from "@/lib/auth/session";
import { clientInfo } from "@/lib/http/client-info";
import { noContent, route } from "@/lib/http/route";

/**
 * POST /api/auth/logout — revokes the session and clears the cookie. The cookie
 * is cleared even when the token no longer verifies, so a client can always
 * get back to a clean state.
 */
export const POST = route(async (request: NextRequest) => {
  const session = await optionalSession();
  if (session) {
    const { user, sessionId } = session;
    await revokeSession(sessionId, user, clientInfo(request.headers));
  }
  await clearSessionCookie();
  return noContent();
});
