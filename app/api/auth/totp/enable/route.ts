import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { enableTotp } from "@/lib/use-cases/totp";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/totp/enable — `{code}`: turns on the TOTP this session set up; needs a recent sign-in; answers the ten backup codes, once. */
  async POST(request) {
    const { input } = await readInput(request);
    return ok(await enableTotp(input, clientInfo(request.headers)));
  },
});
