import { handlers, ok, type RouteContext } from "@/lib/http/route";
import { getPost } from "@/lib/use-cases/posts";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** GET /api/posts/:id — your own personal post, or one of an organization you are a member of; anything else is 404. */
  async GET(_request, { params }) {
    return ok(await getPost(await params));
  },
});
