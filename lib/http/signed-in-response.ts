/**
 * The answer to a sign-in step, for API clients and HTML forms alike: JSON, or
 * a 303 to a same-origin `next` once signed in. A form post that fails goes
 * back to its page with the error code (never the password); a right password
 * that still needs its second factor goes on to that step's page.
 */
import "server-only";
import type { NextRequest } from "next/server";
import { z } from "zod";
import type { StartedSession } from "@/lib/auth/sessions/start";
import { secondStepPath } from "@/lib/edge/paths";
import { clientErrorOf, toErrorResponse } from "@/lib/request/client-errors";
import { clientInfo, type ClientInfo } from "@/lib/request/client-info";
import { ok, seeOther } from "@/lib/http/route";
import { bodyKind, readInput, type BodyKind } from "@/lib/request/validate";
import { safeNextPath } from "@/lib/next-path";

export function signedInResponse(started: StartedSession, kind: BodyKind, next: string, status = 200): Response {
  if (kind === "form") return seeOther(next);
  return ok({ user: started.user, expiresAt: started.token.expiresAt.toISOString() }, { status });
}

/** The form's `next` field, beside what the step itself checks. */
const nextFieldSchema = z.object({ next: z.string() });

/**
 * Runs a sign-in step posted as JSON or as a form from `page`, and answers.
 * `next` comes from the form, else the URL's query; only ever a same-origin path.
 */
export async function answerSignInStep(
  request: NextRequest,
  page: "/login" | "/login/verify",
  step: (input: unknown, client: ClientInfo) => Promise<StartedSession>,
): Promise<Response> {
  let requested = request.nextUrl.searchParams.get("next") ?? undefined;
  try {
    const { input, kind } = await readInput(request, { forms: true });
    requested = nextFieldSchema.safeParse(input).data?.next ?? requested;
    return signedInResponse(await step(input, clientInfo(request.headers)), kind, safeNextPath(requested));
  } catch (error) {
    const clientError = clientErrorOf(error);
    if (!clientError || bodyKind(request) !== "form") return toErrorResponse(error);
    const next = safeNextPath(requested);
    if (clientError.code === "mfa_required") return seeOther(secondStepPath(next));
    const params = new URLSearchParams({ error: clientError.code, ...(requested === undefined ? {} : { next }) });
    // A pending sign-in that ended or expired starts over at the password.
    return seeOther(`${clientError.code === "invalid_challenge" ? "/login" : page}?${params}`);
  }
}
