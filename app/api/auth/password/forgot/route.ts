import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { FORGOT_PASSWORD_ANSWER, requestPasswordReset } from "@/lib/use-cases/recovery";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/password/forgot — `{username}` or `{email}`: 202 with the
   * same body whether or not the account exists or has a confirmed address;
   * the reset link, if any, is mailed after the answer.
   */
  async POST(request) {
    const { input } = await readInput(request);
    await requestPasswordReset(input, clientInfo(request.headers));
    return ok({ message: FORGOT_PASSWORD_ANSWER }, { status: 202 });
  },
});
