import { clientInfo } from "@/lib/request/client-info";
import { handlers } from "@/lib/http/route";
import { signedInResponse } from "@/lib/http/signed-in-response";
import { readInput } from "@/lib/request/validate";
import { signIn } from "@/lib/use-cases/sign-in";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/users/authenticate — the seeds' `{uid, password}` sign-in, same cookies as /api/auth/login. */
  async POST(request) {
    const { input, kind } = await readInput(request, { forms: true });
    return signedInResponse(await signIn(input, clientInfo(request.headers), "uid"), kind, "/dashboard");
  },
});
