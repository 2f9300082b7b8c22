import { verifySession } from "@/lib/auth/dal";
import { handlers, ok } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * GET /api/auth/me — the signed-in user, the token's claims (cookie or Bearer), and the
   * organization the session works in with the user's role there, as the database has it.
   */
  async GET() {
    const { user, claims, org } = await verifySession();
    return ok({ user, claims, organization: org });
  },
});
