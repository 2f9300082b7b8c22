import type { NextRequest } from "next/server";
import { unavailablePage } from "@/lib/http/unavailable";
import { safeNextPath } from "@/lib/next-path";

export const dynamic = "force-dynamic";

/** GET /unavailable?next=/path — the 503 page a signed-in page sends the browser to during a database outage. */
export function GET(request: NextRequest): Response {
  return unavailablePage(safeNextPath(request.nextUrl.searchParams.get("next"), "/"));
}
