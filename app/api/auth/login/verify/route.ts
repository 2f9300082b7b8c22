import { handlers } from "@/lib/http/route";
import { answerSignInStep } from "@/lib/http/signed-in-response";
import { completeSignInWithCode } from "@/lib/use-cases/sign-in";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/login/verify — `{code}` or `{backupCode}` completes the
   * pending sign-in that POST /api/auth/login left in its cookie, and sets the
   * session cookies. JSON, or an HTML form with an optional `next`.
   */
  POST: (request) => answerSignInStep(request, "/login/verify", completeSignInWithCode),
});
