import { verifySession } from "@/lib/auth/dal";
import { handlers, ok } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** GET /api/auth/me — the signed-in user and the token's claims (cookie or Bearer). */
  async GET() {
    const { user, claims } = await verifySession();
    return ok({ user, claims });
  },
});
