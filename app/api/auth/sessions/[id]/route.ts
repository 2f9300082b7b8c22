import type { NextRequest } from "next/server";
import { verifySession } from "@/lib/auth/dal";
import { clearSessionCookies } from "@/lib/auth/session";
import { revokeSessions } from "@/lib/auth/session-queries";
import { clientInfo } from "@/lib/http/client-info";
import { ApiError } from "@/lib/http/errors";
import { noContent, route } from "@/lib/http/route";
import { validate } from "@/lib/http/validate";
import { idSchema } from "@/lib/schemas";

/** DELETE /api/auth/sessions/:id — ends one of the caller's own sessions; someone else's is "not found". */
export const DELETE = route(async (request: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const { user, sessionId } = await verifySession();
  const { id } = validate(idSchema, await params);
  const ended = await revokeSessions(user, clientInfo(request.headers), { only: id });
  if (ended === 0) throw new ApiError("not_found", "No such session.");
  if (id === sessionId) await clearSessionCookies();
  return noContent();
});
