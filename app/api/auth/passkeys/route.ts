import { handlers, ok } from "@/lib/http/route";
import { myPasskeys } from "@/lib/use-cases/passkeys";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** GET /api/auth/passkeys — the caller's passkeys, oldest first. */
  async GET() {
    return ok({ passkeys: await myPasskeys() });
  },
});
