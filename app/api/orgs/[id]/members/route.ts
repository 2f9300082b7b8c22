import { handlers, ok, type RouteContext } from "@/lib/http/route";
import { listMembers } from "@/lib/use-cases/members";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** GET /api/orgs/:id/members — the members and their roles, for members. */
  async GET(_request, { params }) {
    return ok({ members: await listMembers(await params) });
  },
});
