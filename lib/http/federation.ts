/**
 * Answers of the sign-in-with-a-provider routes: every one a redirect, to the
 * provider or to a page of ours. Under COOKIE_SAMESITE=Strict the last hop of
 * a callback is a page that moves on by itself: the browser arrived from the
 * provider's site, and a redirect would carry that cross-site start along, so
 * the new Strict session cookie would not be sent to the page it leads to.
 */
import "server-only";
import type { NextRequest } from "next/server";
import { config } from "@/lib/config";
import { reauthPath } from "@/lib/edge/paths";
import { ok, seeOther } from "@/lib/http/route";
import { clientErrorOf, toErrorResponse } from "@/lib/request/client-errors";
import { bodyKind, readInput } from "@/lib/request/validate";
import { safeNextPath } from "@/lib/next-path";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** The end of a callback: to `path` (same-origin). */
export function callbackAnswer(path: string): Response {
  if (config().cookies.sameSite !== "strict") return seeOther(path);
  const href = path.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Signing in…</title></head><body><p><a href="${href}">Continue</a></p></body></html>`,
    { status: 200, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  );
}

/**
 * POST /api/auth/oauth/:provider from a page's form or as JSON: a form goes on
 * to the provider (or, when the change needs a recent sign-in, to /reauth and
 * back; on any other refusal, back to `next` with `?error=`); JSON gets the
 * provider's URL as `{data: {location}}`, or the error envelope.
 */
export async function answerFederatedChange(request: NextRequest, start: (input: unknown) => Promise<string>): Promise<Response> {
  let next = "/dashboard";
  try {
    const { input, kind } = await readInput(request, { forms: true });
    next = safeNextPath((input as { next?: unknown } | null)?.next);
    const location = await start(input);
    return kind === "form" ? seeOther(location) : ok({ location });
  } catch (error) {
    const clientError = clientErrorOf(error);
    if (!clientError || bodyKind(request) !== "form" || clientError.code === "not_found") return toErrorResponse(error);
    if (clientError.code === "reauth_required") return seeOther(reauthPath(next));
    const url = new URL(next, "http://tessera.invalid");
    url.searchParams.set("error", clientError.code);
    return seeOther(`${url.pathname}${url.search}`);
  }
}
