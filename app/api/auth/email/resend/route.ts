import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { resendVerification } from "@/lib/use-cases/email";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/email/resend — signed in: mails the link for your unconfirmed address again; 202 `{email}`. */
  async POST(request) {
    return ok(await resendVerification(clientInfo(request.headers)), { status: 202 });
  },
});
