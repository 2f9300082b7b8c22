import { requireAdmin } from "@/lib/auth/dal";
import { latestAuthEvents } from "@/lib/auth/audit-events";
import { handlers, ok } from "@/lib/http/route";
import { validate } from "@/lib/request/validate";
import { eventFilterSchema } from "@/lib/schemas";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** GET /api/admin/events — ADMIN only; the latest 100 auth events, newest first, `?type=` filters. */
  async GET(request) {
    await requireAdmin();
    const { type } = validate(eventFilterSchema, Object.fromEntries(request.nextUrl.searchParams));
    return ok({ events: await latestAuthEvents(type) });
  },
});
