import { verifySession } from "@/lib/auth/dal";
import { clearSessionCookies } from "@/lib/auth/session-cookies";
import { revokeSessions } from "@/lib/auth/session-queries";
import { clientInfo } from "@/lib/http/client-info";
import { ApiError } from "@/lib/edge/errors";
import { handlers, noContent, type RouteContext } from "@/lib/http/route";
import { validate } from "@/lib/http/validate";
import { idSchema } from "@/lib/schemas";

export const { GET, POST, PUT, PATCH, DELETE } = handlers<RouteContext<{ id: string }>>({
  /** DELETE /api/auth/sessions/:id — ends one of the caller's own sessions; someone else's is "not found". */
  async DELETE(request, { params }) {
    const { user, sessionId } = await verifySession();
    const { id } = validate(idSchema, await params);
    const ended = await revokeSessions(user, clientInfo(request.headers), { only: id });
    if (ended === 0) throw new ApiError("not_found", "No such session.");
    if (id === sessionId) await clearSessionCookies();
    return noContent();
  },
});
