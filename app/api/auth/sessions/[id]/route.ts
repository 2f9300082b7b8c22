import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent, type RouteContext } from "@/lib/http/route";
import { endSession } from "@/lib/use-cases/sessions";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** DELETE /api/auth/sessions/:id — ends one of the caller's own sessions; someone else's is "not found". */
  async DELETE(request, { params }) {
    await endSession(await params, clientInfo(request.headers));
    return noContent();
  },
});
