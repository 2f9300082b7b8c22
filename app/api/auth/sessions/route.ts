import { verifySession } from "@/lib/auth/dal";
import { clearSessionCookies } from "@/lib/auth/session-cookies";
import { listSessions, revokeSessions } from "@/lib/auth/session-queries";
import { clientInfo } from "@/lib/http/client-info";
import { handlers, noContent, ok } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE } = handlers({
  /** GET /api/auth/sessions — the caller's live sessions, the current one marked. */
  async GET() {
    const { user, sessionId } = await verifySession();
    return ok({ sessions: await listSessions(user.id, sessionId) });
  },
  /** DELETE /api/auth/sessions — sign out everywhere, this session included. */
  async DELETE(request) {
    const { user } = await verifySession();
    await revokeSessions(user, clientInfo(request.headers));
    await clearSessionCookies();
    return noContent();
  },
});

