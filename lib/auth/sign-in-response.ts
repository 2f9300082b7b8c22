/**
 * The answer to a successful sign-in, shared by /api/auth/login and the seeds'
 * /api/users/authenticate: cookie set, then JSON for API clients or a 303 for
 * HTML forms (to a same-origin `next` only).
 */
import "server-only";
import type { StartedSession } from "@/lib/auth/session";
import { setSessionCookies } from "@/lib/auth/session-cookies";
import { ok, seeOther } from "@/lib/http/route";
import type { BodyKind } from "@/lib/http/validate";

export async function signedInResponse(started: StartedSession, kind: BodyKind, next: string, status = 200): Promise<Response> {
  await setSessionCookies(started);
  if (kind === "form") return seeOther(next);
  return ok({ user: started.user, expiresAt: started.token.expiresAt.toISOString() }, { status });
}
