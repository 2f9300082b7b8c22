import { verifySession } from "@/lib/auth/dal";
import { listSessions } from "@/lib/auth/sessions/list";
import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent, ok } from "@/lib/http/route";
import { endAllSessions } from "@/lib/use-cases/sessions";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** GET /api/auth/sessions — the caller's live sessions, the current one marked. */
  async GET() {
    const { user, sessionId } = await verifySession();
    return ok({ sessions: await listSessions(user.id, sessionId) });
  },
  /** DELETE /api/auth/sessions — sign out everywhere, this session included. */
  async DELETE(request) {
    await endAllSessions(clientInfo(request.headers));
    return noContent();
  },
});
