import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent, type RouteContext } from "@/lib/http/route";
import { endUserSessions } from "@/lib/use-cases/sessions";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** DELETE /api/users/:id/sessions — ADMIN only; ends every session of that user at once. */
  async DELETE(request, { params }) {
    await endUserSessions(await params, clientInfo(request.headers));
    return noContent();
  },
});
