import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent, ok, type RouteContext } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { deleteOrganization, getOrganization, updateOrganization } from "@/lib/use-cases/orgs";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** GET /api/orgs/:id — for its members; 404 for anyone else. */
  async GET(_request, { params }) {
    return ok(await getOrganization(await params));
  },
  /** PATCH /api/orgs/:id — `{name?, slug?}`, ADMIN or OWNER. */
  async PATCH(request, { params }) {
    const { id } = await params;
    const { input } = await readInput(request);
    return ok(await updateOrganization(id, input, clientInfo(request.headers)));
  },
  /** DELETE /api/orgs/:id — OWNER, after a recent sign-in → 204. */
  async DELETE(request, { params }) {
    await deleteOrganization(await params, clientInfo(request.headers));
    return noContent();
  },
});
