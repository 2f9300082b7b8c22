/**
 * Sensitive changes made from a page: when the data-access layer answers
 * `reauth_required` (the sign-in is older than STEP_UP_MAX_AGE), the browser
 * goes to /reauth and comes back to `returnTo` to try again, instead of
 * landing on an error page. Server actions only.
 */
import "server-only";
import { redirect } from "next/navigation";
import { ApiError } from "@/lib/errors";
import { reauthPath } from "@/lib/edge/paths";

export async function withStepUp<T>(returnTo: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof ApiError && error.code === "reauth_required") redirect(reauthPath(returnTo));
    throw error;
  }
}
