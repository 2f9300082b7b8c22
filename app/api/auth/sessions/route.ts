import type { NextRequest } from "next/server";
import { verifySession } from "@/lib/auth/dal";
import { clearSessionCookies } from "@/lib/auth/session";
import { listSessions, revokeSessions } from "@/lib/auth/session-queries";
import { clientInfo } from "@/lib/http/client-info";
import { noContent, ok, route } from "@/lib/http/route";

/** GET /api/auth/sessions — the caller's live sessions, the current one marked. */
export const GET = route(async () => {
  const { user, sessionId } = await verifySession();
  return ok({ sessions: await listSessions(user.id, sessionId) });
});

/** DELETE /api/auth/sessions — sign out everywhere, this session included. */
export const DELETE = route(async (request: NextRequest) => {
  const { user } = await verifySession();
  await revokeSessions(user, clientInfo(request.headers));
  await clearSessionCookies();
  return noContent();
});
