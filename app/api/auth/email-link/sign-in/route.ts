import { clientInfo } from "@/lib/request/client-info";
import { handlers } from "@/lib/http/route";
import { signedInResponse } from "@/lib/http/signed-in-response";
import { readInput } from "@/lib/request/validate";
import { signInWithEmailLink } from "@/lib/use-cases/email-link";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/email-link/sign-in — `{token}` from the sign-in link: 200
   * `{user, expiresAt}` and the session cookies, as POST /api/auth/login. With
   * TOTP on, 401 `mfa_required` and a pending sign-in that POST
   * /api/auth/login/verify completes. A used, expired or unknown link is 410
   * `token_invalid`.
   */
  async POST(request) {
    const { input } = await readInput(request);
    return signedInResponse(await signInWithEmailLink(input, clientInfo(request.headers)), "json", "/dashboard");
  },
});
