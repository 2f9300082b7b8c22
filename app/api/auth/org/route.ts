import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { switchOrganization } from "@/lib/use-cases/orgs";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * PUT /api/auth/org — `{orgId}` or `{orgId: null}`: the organization this session works in.
   * A fresh access token names it: in the cookie, or in the answer for a Bearer client.
   */
  async PUT(request) {
    const { input } = await readInput(request);
    const { organization, token, bearer } = await switchOrganization(input, clientInfo(request.headers));
    const expiresAt = token.expiresAt.toISOString();
    const issued = bearer ? { token: token.token, tokenType: "Bearer", expiresIn: token.claims.exp - token.claims.iat } : {};
    return ok({ organization, expiresAt, ...issued });
  },
});
