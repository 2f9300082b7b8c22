import { checkDatabase } from "@/lib/db/health";

export const dynamic = "force-dynamic";

/** GET /api/health — `{status, db}`; 503 while the database does not answer. */
export async function GET(): Promise<Response> {
  const up = await checkDatabase();
  return Response.json(
    { status: up ? "ok" : "degraded", db: up ? "up" : "down" },
    { status: up ? 200 : 503, headers: { "cache-control": "no-store", ...(up ? {} : { "retry-after": "5" }) } },
  );
}
