import { signIn } from "@/lib/auth/credentials";
import { signedInResponse } from "@/lib/auth/sign-in-response";
import { clientInfo } from "@/lib/http/client-info";
import { handlers } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { uidCredentialsSchema } from "@/lib/schemas";

export const { GET, POST, PUT, PATCH, DELETE } = handlers({
  /** POST /api/users/authenticate — the seeds' `{uid, password}` sign-in, same cookies as /api/auth/login. */
  async POST(request) {
    const { data, kind } = await readBody(request, uidCredentialsSchema, { forms: true });
    const started = await signIn(data, clientInfo(request.headers));
    return signedInResponse(started, kind, "/dashboard");
  },
});
