import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok, type RouteContext } from "@/lib/http/route";
import { issueResetLink } from "@/lib/use-cases/recovery";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** POST /api/users/:id/reset-link — ADMIN, recently signed in: 201 `{url, expiresAt}`, a one-time link to hand to the user. */
  async POST(request, { params }) {
    return ok(await issueResetLink(await params, clientInfo(request.headers)), { status: 201 });
  },
});
