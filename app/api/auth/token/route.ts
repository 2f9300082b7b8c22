import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { issueBearerToken } from "@/lib/use-cases/sign-in";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/token — a Bearer token for API clients; no cookie is set. */
  async POST(request) {
    const { input } = await readInput(request);
    const token = await issueBearerToken(input, clientInfo(request.headers));
    return ok({
      token: token.token,
      tokenType: "Bearer",
      expiresIn: token.claims.exp - token.claims.iat,
      expiresAt: token.expiresAt.toISOString(),
    });
  },
});
