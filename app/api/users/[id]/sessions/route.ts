import type { NextRequest } from "next/server";
import { requireAdmin } from "@/lib/auth/dal";
import { clearSessionCookies } from "@/lib/auth/session";
import { endAllSessionsOf } from "@/lib/auth/session-queries";
import { clientInfo } from "@/lib/http/client-info";
import { noContent, route } from "@/lib/http/route";
import { validate } from "@/lib/http/validate";
import { idSchema } from "@/lib/schemas";

/** DELETE /api/users/:id/sessions — ADMIN only; ends every session of that user at once. */
export const DELETE = route(async (request: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const { user } = await requireAdmin();
  const { id } = validate(idSchema, await params);
  await endAllSessionsOf(id, user, clientInfo(request.headers));
  // An admin who ends their own sessions is signed out here too.
  if (id === user.id) await clearSessionCookies();
  return noContent();
});
