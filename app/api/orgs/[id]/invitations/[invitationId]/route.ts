import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent, type RouteContext } from "@/lib/http/route";
import { withdrawInvitation } from "@/lib/use-cases/invitations";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string; invitationId: string }>>({
  /** DELETE /api/orgs/:id/invitations/:invitationId — withdraws it → 204; its link answers 410 from then on. */
  async DELETE(request, { params }) {
    await withdrawInvitation(await params, clientInfo(request.headers));
    return noContent();
  },
});
