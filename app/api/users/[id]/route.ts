import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent, ok, type RouteContext } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { deleteUser, getUser, updateUser } from "@/lib/use-cases/users";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** GET /api/users/:id — yourself, or anyone if you are an ADMIN. */
  async GET(_request, { params }) {
    return ok(await getUser(await params));
  },
  /** PATCH /api/users/:id — `{name?, dob?, password?, currentPassword?}` (and `role?` for an ADMIN). */
  async PATCH(request, { params }) {
    const { id } = await params;
    const { input } = await readInput(request);
    return ok(await updateUser(id, input, clientInfo(request.headers)));
  },
  /** DELETE /api/users/:id — ADMIN only; ends all of the user's sessions. */
  async DELETE(_request, { params }) {
    await deleteUser(await params);
    return noContent();
  },
});
