import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { EMAIL_LINK_ANSWER, requestEmailLink } from "@/lib/use-cases/email-link";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/email-link — `{email}`: 202 with the same body whether or
   * not an account owns the address; the sign-in link, if any, is mailed
   * after the answer.
   */
  async POST(request) {
    const { input } = await readInput(request);
    await requestEmailLink(input, clientInfo(request.headers));
    return ok({ message: EMAIL_LINK_ANSWER }, { status: 202 });
  },
});
