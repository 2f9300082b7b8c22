import { answerFederatedChange } from "@/lib/http/federation";
import { handlers, seeOther, type RouteContext } from "@/lib/http/route";
import { clientInfo } from "@/lib/request/client-info";
import { startFederatedChange, startFederatedSignIn } from "@/lib/use-cases/federated-sign-in";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ provider: string }>>({
  /**
   * GET /api/auth/oauth/:provider?next=/path — starts a sign-in: a redirect to
   * the provider, with the flow's cookie; `/login?error=…` when it cannot
   * start; 404 for a provider that is not configured.
   */
  async GET(request, { params }) {
    const { provider } = await params;
    return seeOther(await startFederatedSignIn(provider, { next: request.nextUrl.searchParams.get("next") }, clientInfo(request.headers)));
  },
  /**
   * POST /api/auth/oauth/:provider — `{intent: "connect" | "reauth", next?}`
   * from a signed-in user: connect the provider (needs a recent sign-in) or
   * confirm who you are through it.
   */
  async POST(request, { params }) {
    const { provider } = await params;
    return answerFederatedChange(request, (input) => startFederatedChange(provider, input, clientInfo(request.headers)));
  },
});
