/**
 * For server actions behind step-up (lib/auth/dal.ts `requireRecentAuth`):
 * instead of an error page, a stale sign-in goes to /reauth and comes back to
 * the page it came from.
 */
import "server-only";
import { redirect } from "next/navigation";
import { ApiError } from "@/lib/edge/errors";

/** `/reauth?next=…`; `page` is one of ours, so the way back is same-origin. */
export function reauthPath(page: string): string {
  return `/reauth?${new URLSearchParams({ next: page })}`;
}

/** Runs `work`; `reauth_required` becomes a redirect to /reauth and back to `page`. */
export async function orReauth<T>(page: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError && error.code === "reauth_required") redirect(reauthPath(page));
    throw error;
  }
}
