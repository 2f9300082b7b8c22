/** A user's own posts, newest first. Callers have passed verifySession. */
import "server-only";
import { db } from "@/lib/db/client";

export interface PostView {
  id: string;
  note: string;
  image: string | null;
  createdAt: string;
}

export async function listOwnPosts(authorId: string): Promise<PostView[]> {
  const rows = await db.post.findMany({
    where: { authorId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, note: true, image: true, createdAt: true },
    take: 100,
  });
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
}

export async function createPost(authorId: string, input: { note: string; image?: string | undefined }): Promise<PostView> {
  const row = await db.post.create({
    data: { authorId, note: input.note, image: input.image ?? null },
    select: { id: true, note: true, image: true, createdAt: true },
  });
  return { ...row, createdAt: row.createdAt.toISOString() };
}
