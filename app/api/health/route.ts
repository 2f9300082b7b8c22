import { checkDatabase } from "@/lib/db/health";
import { RETRY_AFTER_SECONDS } from "@/lib/request/client-errors";
import { handlers } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** GET /api/health — `{status, db}`; 503 while the database does not answer. */
  async GET() {
    const up = await checkDatabase();
    return Response.json(
      { status: up ? "ok" : "degraded", db: up ? "up" : "down" },
      { status: up ? 200 : 503, headers: { "cache-control": "no-store", ...(up ? {} : { "retry-after": String(RETRY_AFTER_SECONDS) }) } },
    );
  },
});
