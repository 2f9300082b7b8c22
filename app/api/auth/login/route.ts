import { handlers } from "@/lib/http/route";
import { answerSignInStep } from "@/lib/http/signed-in-response";
import { signIn } from "@/lib/use-cases/sign-in";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/login — `{username, password}` as JSON, or an HTML form with
   * an optional `next`. For a user with TOTP on, 401 `mfa_required` and a
   * pending sign-in that POST /api/auth/login/verify completes (`code` in the
   * same request completes it at once).
   */
  POST: (request) => answerSignInStep(request, "/login", (input, client) => signIn(input, client)),
});
