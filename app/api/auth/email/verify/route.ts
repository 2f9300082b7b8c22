import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { verifyEmail } from "@/lib/use-cases/email";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/email/verify — `{token}` from the verification mail: 200 `{email}`; 410 `token_invalid` once used or expired. */
  async POST(request) {
    const { input } = await readInput(request);
    return ok(await verifyEmail(input, clientInfo(request.headers)));
  },
});
