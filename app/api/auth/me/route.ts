import { verifySession } from "@/lib/auth/dal";
import { ok, route } from "@/lib/http/route";

/** GET /api/auth/me — the signed-in user and the token's claims (cookie or Bearer). */
export const GET = route(async () => {
  const { user, claims } = await verifySession();
  return ok({ user, claims });
});
