import { verifySession } from "@/lib/auth/dal";
import { handlers, ok } from "@/lib/http/route";
import { readBody } from "@/lib/request/validate";
import { createPost, listOwnPosts } from "@/lib/posts/queries";
import { createPostSchema } from "@/lib/schemas";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** GET /api/posts — the caller's own posts, newest first. */
  async GET() {
    const { user } = await verifySession();
    return ok({ posts: await listOwnPosts(user.id) });
  },
  /** POST /api/posts — `{note, image?}` → 201. */
  async POST(request) {
    const { user } = await verifySession();
    const { data } = await readBody(request, createPostSchema);
    return ok(await createPost(user.id, data), { status: 201 });
  },
});

