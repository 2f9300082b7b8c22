import { requireAdmin, verifySession } from "@/lib/auth/dal";
import { handlers, ok } from "@/lib/http/route";
import { readBody, validate } from "@/lib/http/validate";
import { createUserSchema, paginationSchema } from "@/lib/schemas";
import { createUser, listUsers } from "@/lib/users/queries";

export const { GET, POST, PUT, PATCH, DELETE } = handlers({
  /** GET /api/users — signed in; oldest first, `?limit` and `?cursor`. Others' entries: id, username and name only, unless you are an ADMIN. */
  async GET(request) {
    const { user } = await verifySession();
    const query = validate(paginationSchema, Object.fromEntries(request.nextUrl.searchParams));
    return ok(await listUsers(user, query));
  },
  /** POST /api/users — ADMIN only. */
  async POST(request) {
    await requireAdmin();
    const { data } = await readBody(request, createUserSchema);
    return ok(await createUser(data), { status: 201 });
  },
});

