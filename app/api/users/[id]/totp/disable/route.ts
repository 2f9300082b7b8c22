import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent, type RouteContext } from "@/lib/http/route";
import { disableTotpOf } from "@/lib/use-cases/totp";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** POST /api/users/:id/totp/disable — ADMIN only, recently signed in; turns that user's TOTP off. */
  async POST(request, { params }) {
    await disableTotpOf(await params, clientInfo(request.headers));
    return noContent();
  },
});
