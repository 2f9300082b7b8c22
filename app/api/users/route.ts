import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { createUser, listUsers } from "@/lib/use-cases/users";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** GET /api/users — signed in; oldest first, `?limit` and `?cursor`. Others' entries: id, username and name only, unless you are an ADMIN. */
  async GET(request) {
    return ok(await listUsers(Object.fromEntries(request.nextUrl.searchParams)));
  },
  /** POST /api/users — ADMIN only. */
  async POST(request) {
    const { input } = await readInput(request);
    return ok(await createUser(input), { status: 201 });
  },
});
