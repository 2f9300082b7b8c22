import type { NextRequest } from "next/server";
import { requireAdmin } from "@/lib/auth/dal";
import { latestAuthEvents } from "@/lib/admin/events";
import { ok, route } from "@/lib/http/route";
import { validate } from "@/lib/http/validate";
import { eventFilterSchema } from "@/lib/schemas";

/** GET /api/admin/events — ADMIN only; the latest 100 auth events, newest first, `?type=` filters. */
export const GET = route(async (request: NextRequest) => {
  await requireAdmin();
  const { type } = validate(eventFilterSchema, Object.fromEntries(request.nextUrl.searchParams));
  return ok({ events: await latestAuthEvents(type) });
});
