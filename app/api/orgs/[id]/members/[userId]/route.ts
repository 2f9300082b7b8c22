import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent, ok, type RouteContext } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { changeMemberRole, removeMember } from "@/lib/use-cases/members";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string; userId: string }>>({
  /** PATCH /api/orgs/:id/members/:userId — `{role}`: an OWNER sets any role, an ADMIN moves people between MEMBER and ADMIN. */
  async PATCH(request, { params }) {
    const path = await params;
    const { input } = await readInput(request);
    return ok(await changeMemberRole(path, input, clientInfo(request.headers)));
  },
  /** DELETE /api/orgs/:id/members/:userId — leave (yourself), or remove someone (ADMIN or OWNER) → 204; never the last OWNER (409). */
  async DELETE(request, { params }) {
    await removeMember(await params, clientInfo(request.headers));
    return noContent();
  },
});
