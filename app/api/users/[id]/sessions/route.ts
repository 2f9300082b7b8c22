import { requireAdmin } from "@/lib/auth/dal";
import { clearSessionCookies } from "@/lib/auth/session-cookies";
import { endAllSessionsOf } from "@/lib/auth/session-queries";
import { clientInfo } from "@/lib/http/client-info";
import { handlers, noContent, type RouteContext } from "@/lib/http/route";
import { validate } from "@/lib/http/validate";
import { idSchema } from "@/lib/schemas";

export const { GET, POST, PUT, PATCH, DELETE } = handlers<RouteContext<{ id: string }>>({
  /** DELETE /api/users/:id/sessions — ADMIN only; ends every session of that user at once. */
  async DELETE(request, { params }) {
    const { user } = await requireAdmin();
    const { id } = validate(idSchema, await params);
    await endAllSessionsOf(id, user, clientInfo(request.headers));
    // An admin who ends their own sessions is signed out here too.
    if (id === user.id) await clearSessionCookies();
    return noContent();
  },
});
