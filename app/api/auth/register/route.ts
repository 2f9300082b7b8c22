import { register } from "@/lib/auth/credentials";
import { signedInResponse } from "@/lib/auth/sign-in-response";
import { clientInfo } from "@/lib/http/client-info";
import { handlers } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { registerSchema } from "@/lib/schemas";

export const { GET, POST, PUT, PATCH, DELETE } = handlers({
  /** POST /api/auth/register — creates the account and signs it in (201). */
  async POST(request) {
    const { data } = await readBody(request, registerSchema);
    const started = await register(data, clientInfo(request.headers));
    return signedInResponse(started, "json", "/dashboard", 201);
  },
});
