/**
 * Posts: a personal post belongs to its author alone; a post written while an
 * organization was active belongs to that organization, and its members see
 * it. Callers have passed verifySession, and decide which of the two lists a
 * request sees (lib/use-cases/posts.ts).
 */
import "server-only";
import { db } from "@/lib/db/client";
import { isoText } from "@/lib/db/sql";

export interface PostView {
  id: string;
  note: string;
  image: string | null;
  /** The organization it belongs to; null for a personal post. */
  orgId: string | null;
  /** Who wrote it. */
  author: string;
  createdAt: string;
}

/** How many posts a list shows at most, newest first. */
const POSTS_LIMIT = 100;

const postSelect = { id: true, note: true, image: true, orgId: true, createdAt: true, author: { select: { username: true } } } as const;

function view({ author, createdAt, ...row }: { id: string; note: string; image: string | null; orgId: string | null; createdAt: Date; author: { username: string } }): PostView {
  return { ...row, author: author.username, createdAt: createdAt.toISOString() };
}

/** The author's personal posts (those of no organization), newest first. */
export async function listOwnPosts(authorId: string): Promise<PostView[]> {
  const rows = await db.post.findMany({ where: { authorId, orgId: null }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: postSelect, take: POSTS_LIMIT });
  return rows.map(view);
}

/** The organization's posts, every member's, newest first. */
export async function listOrganizationPosts(orgId: string): Promise<PostView[]> {
  const rows = await db.post.findMany({ where: { orgId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: postSelect, take: POSTS_LIMIT });
  return rows.map(view);
}

/**
 * `listOwnPosts` or `listOrganizationPosts` as SQL, for a hand-written read
 * that takes it with more (lib/db/sql.ts): one JSON array of PostViews, in
 * the same order. `of` is the author (`id` and `username`) or the
 * organization (`orgId`), as SQL expressions; a personal list needs no join
 * for its author's name.
 */
export function postsJson(of: { author: { id: string; username: string } } | { orgId: string }): string {
  const [where, author, join] =
    "orgId" in of
      ? [`p."orgId" = ${of.orgId}`, 'a."username"', 'JOIN "User" a ON a."id" = p."authorId"']
      : [`p."authorId" = ${of.author.id} AND p."orgId" IS NULL`, of.author.username, ""];
  return `(SELECT coalesce(json_agg(json_build_object('id', p."id", 'note', p."note", 'image', p."image", 'orgId', p."orgId", 'author', ${author},
                 'createdAt', ${isoText('p."createdAt"')}) ORDER BY p."createdAt" DESC, p."id" DESC), '[]'::json)
     FROM (SELECT * FROM "Post" p WHERE ${where} ORDER BY p."createdAt" DESC, p."id" DESC LIMIT ${POSTS_LIMIT}) p
     ${join})`;
}

/** Post `id` if `userId` may read it: their own personal post, or a post of an organization they are a member of now. */
export async function postFor(id: string, userId: string): Promise<PostView | null> {
  const row = await db.post.findFirst({
    where: { id, OR: [{ orgId: null, authorId: userId }, { org: { memberships: { some: { userId } } } }] },
    select: postSelect,
  });
  return row && view(row);
}

export async function createPost(authorId: string, orgId: string | null, input: { note: string; image?: string | undefined }): Promise<PostView> {
  return view(await db.post.create({ data: { authorId, orgId, note: input.note, image: input.image ?? null }, select: postSelect }));
}
