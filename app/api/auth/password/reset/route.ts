import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { resetPassword } from "@/lib/use-cases/recovery";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/password/reset — `{token, password}` (plus `code` or
   * `backupCode` when the account has TOTP on): sets the password and signs
   * the account out everywhere; 204. A used or expired link is 410 `token_invalid`.
   */
  async POST(request) {
    const { input } = await readInput(request);
    await resetPassword(input, clientInfo(request.headers));
    return noContent();
  },
});
