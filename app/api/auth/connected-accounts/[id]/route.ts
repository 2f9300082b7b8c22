import { handlers, noContent, type RouteContext } from "@/lib/http/route";
import { clientInfo } from "@/lib/request/client-info";
import { disconnectMine } from "@/lib/use-cases/federated-sign-in";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** DELETE /api/auth/connected-accounts/:id — disconnects one (needs a recent sign-in; 409 when it is the account's last way in). */
  async DELETE(request, { params }) {
    await disconnectMine(await params, clientInfo(request.headers));
    return noContent();
  },
});
