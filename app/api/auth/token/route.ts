import { signIn } from "@/lib/auth/credentials";
import { clientInfo } from "@/lib/http/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { credentialsSchema } from "@/lib/schemas";

export const { GET, POST, PUT, PATCH, DELETE } = handlers({
  /** POST /api/auth/token — a Bearer token for API clients; no cookie is set. */
  async POST(request) {
    const { data } = await readBody(request, credentialsSchema);
    const { token } = await signIn(data, clientInfo(request.headers), "token_issued");
    return ok({
      token: token.token,
      tokenType: "Bearer",
      expiresIn: token.claims.exp - token.claims.iat,
      expiresAt: token.expiresAt.toISOString(),
    });
  },
});
