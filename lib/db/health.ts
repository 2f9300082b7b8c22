/** Whether the database answers a trivial query within the configured timeout. */
import "server-only";
import { db } from "@/lib/db/client";

export async function checkDatabase(): Promise<boolean> {
  try {
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
