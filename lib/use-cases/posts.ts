/**
 * Posts as the API and the dashboard show them: where the session works in an
 * organization (its membership read from the database by the data-access
 * layer), that organization's posts, and new posts go there; otherwise the
 * caller's personal posts. A post of an organization the caller is not a
 * member of is "not found", like one that does not exist.
 */
import "server-only";
import { verifySession } from "@/lib/auth/dal";
import { ApiError } from "@/lib/errors";
import { createPost as insertPost, listOrganizationPosts, listOwnPosts, postFor, type PostView } from "@/lib/posts/queries";
import { validate } from "@/lib/request/validate";
import { createPostSchema, idSchema } from "@/lib/schemas";

/** The active organization's posts, or the caller's personal ones, newest first. */
export async function listPosts(): Promise<PostView[]> {
  const { user, org } = await verifySession();
  return org ? listOrganizationPosts(org.id) : listOwnPosts(user.id);
}

/** `{note, image?}`: a post of the active organization, or a personal one. */
export async function createPost(input: unknown): Promise<PostView> {
  const { user, org } = await verifySession();
  return insertPost(user.id, org?.id ?? null, validate(createPostSchema, input));
}

/** `{id}`: one's own personal post, or a post of an organization one is a member of. */
export async function getPost(input: unknown): Promise<PostView> {
  const { user } = await verifySession();
  const post = await postFor(validate(idSchema, input).id, user.id);
  if (!post) throw new ApiError("not_found", "No such post.");
  return post;
}
