import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent } from "@/lib/http/route";
import { disableTotp } from "@/lib/use-cases/totp";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/totp/disable — turns the caller's TOTP off; needs a recent sign-in. */
  async POST(request) {
    await disableTotp(clientInfo(request.headers));
    return noContent();
  },
});
