import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { reauthenticate } from "@/lib/use-cases/reauth";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/reauth — `{password}`, or `{code}` / `{backupCode}` for a user
   * with TOTP on: the session counts as freshly signed in for STEP_UP_MAX_AGE,
   * and a new access token with the new `auth_time` is set. 204.
   */
  async POST(request) {
    const { input } = await readInput(request);
    await reauthenticate(input, clientInfo(request.headers));
    return noContent();
  },
});
