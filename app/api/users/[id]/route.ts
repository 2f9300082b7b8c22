import { requireAdmin, verifySession } from "@/lib/auth/dal";
import { clientInfo } from "@/lib/http/client-info";
import { ApiError } from "@/lib/edge/errors";
import { handlers, noContent, ok, type RouteContext } from "@/lib/http/route";
import { readBody, validate } from "@/lib/http/validate";
import { idSchema, updateUserSchema } from "@/lib/schemas";
import { deleteUser, getUser, updateUser } from "@/lib/users/queries";

type Context = RouteContext<{ id: string }>;

export const { GET, POST, PUT, PATCH, DELETE } = handlers<Context>({
  /** GET /api/users/:id — yourself, or anyone if you are an ADMIN. */
  async GET(_request, { params }) {
    const { user } = await verifySession();
    const { id } = validate(idSchema, await params);
    if (user.id !== id && user.role !== "ADMIN") throw new ApiError("forbidden");
    return ok(await getUser(user, id));
  },
  /** PATCH /api/users/:id — `{name?, dob?, password?, currentPassword?}` (and `role?` for an ADMIN). */
  async PATCH(request, { params }) {
    const session = await verifySession();
    const { id } = validate(idSchema, await params);
    const { data } = await readBody(request, updateUserSchema);
    return ok(await updateUser(session, id, data, clientInfo(request.headers)));
  },
  /** DELETE /api/users/:id — ADMIN only; ends all of the user's sessions. */
  async DELETE(_request, { params }) {
    await requireAdmin();
    const { id } = validate(idSchema, await params);
    await deleteUser(id);
    return noContent();
  },
});

