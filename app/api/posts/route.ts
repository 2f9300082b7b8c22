import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { createPost, listPosts } from "@/lib/use-cases/posts";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** GET /api/posts — the active organization's posts, or the caller's personal ones, newest first. */
  async GET() {
    return ok({ posts: await listPosts() });
  },
  /** POST /api/posts — `{note, image?}` → 201; it belongs to the active organization, if any. */
  async POST(request) {
    const { input } = await readInput(request);
    return ok(await createPost(input), { status: 201 });
  },
});
