"use server";
/**
 * The home page's two buttons (docs/pages.md) as one server action, so they work
 * with JavaScript (useActionState) and without it (a plain form post).
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { optionalSession, verifySession } from "@/lib/auth/dal";
import { summarizeClaims, type ClaimSummary } from "@/lib/auth/describe";
import { clientInfo } from "@/lib/request/client-info";
import { ApiError } from "@/lib/errors";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { renewAccessToken } from "@/lib/use-cases/tokens";

export interface HomeState {
  result: string;
  details?: ClaimSummary;
}

const RESULT_FOR_CODE: Record<string, string> = {
  token_missing: "Token is missing",
  token_expired: "Token has expired",
};

async function getToken(): Promise<HomeState> {
  const session = await optionalSession();
  if (!session) redirect("/login?next=/");
  await renewAccessToken(session, clientInfo(await headers()));
  return { result: "Token generated successfully" };
}

async function showDetails(): Promise<HomeState> {
  try {
    const { user, claims } = await verifySession();
    return { result: user.username, details: summarizeClaims(claims) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      return { result: RESULT_FOR_CODE[error.code] ?? "Invalid token" };
    }
    throw error;
  }
}

export async function homeAction(_previous: HomeState, form: FormData): Promise<HomeState> {
  try {
    return await (form.get("intent") === "token" ? getToken() : showDetails());
  } catch (error) {
    if (isDatabaseUnavailable(error)) return { result: "Service unavailable, try again shortly" };
    throw error;
  }
}
