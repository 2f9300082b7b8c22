import type { NextRequest } from "next/server";
import { verifySession } from "@/lib/auth/dal";
import { ok, route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { createPost, listOwnPosts } from "@/lib/posts/queries";
import { createPostSchema } from "@/lib/schemas";

/** GET /api/posts — the caller's own posts, newest first. */
export const GET = route(async () => {
  const { user } = await verifySession();
  return ok({ posts: await listOwnPosts(user.id) });
});

/** POST /api/posts — `{note, image?}` → 201. */
export const POST = route(async (request: NextRequest) => {
  const { user } = await verifySession();
  const { data } = await readBody(request, createPostSchema);
  return ok(await createPost(user.id, data), { status: 201 });
});
