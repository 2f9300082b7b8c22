import type { NextRequest } from "next/server";
import { requireAdmin, verifySession } from "@/lib/auth/dal";
import { ok, route } from "@/lib/http/route";
import { readBody, validate } from "@/lib/http/validate";
import { createUserSchema, paginationSchema } from "@/lib/schemas";
import { createUser, listUsers } from "@/lib/users/queries";

/** GET /api/users — signed in; oldest first, `?limit` and `?cursor`. Others' entries: id, username and name only, unless you are an ADMIN. */
export const GET = route(async (request: NextRequest) => {
  const { user } = await verifySession();
  const query = validate(paginationSchema, Object.fromEntries(request.nextUrl.searchParams));
  return ok(await listUsers(user, query));
});

/** POST /api/users — ADMIN only. */
export const POST = route(async (request: NextRequest) => {
  await requireAdmin();
  const { data } = await readBody(request, createUserSchema);
  return ok(await createUser(data), { status: 201 });
});
