/**
 * The answer to a successful sign-in (its cookies are already set): JSON for
 * API clients, or a 303 for HTML forms (to a same-origin `next` only).
 */
import "server-only";
import type { StartedSession } from "@/lib/auth/session";
import { ok, seeOther } from "@/lib/http/route";
import type { BodyKind } from "@/lib/http/validate";

export function signedInResponse(started: StartedSession, kind: BodyKind, next: string, status = 200): Response {
  if (kind === "form") return seeOther(next);
  return ok({ user: started.user, expiresAt: started.token.expiresAt.toISOString() }, { status });
}
