import { callbackAnswer } from "@/lib/http/federation";
import { handlers, type RouteContext } from "@/lib/http/route";
import { clientInfo } from "@/lib/request/client-info";
import { finishFederatedFlow } from "@/lib/use-cases/federated-sign-in";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ provider: string }>>({
  /**
   * GET /api/auth/oauth/:provider/callback — the provider's answer: signed in
   * (or on to the second step) and on to `next`; any failure to the page the
   * flow began on with `?error=…`; 404 for a provider that is not configured.
   */
  async GET(request, { params }) {
    const { provider } = await params;
    return callbackAnswer(await finishFederatedFlow(provider, request.nextUrl.searchParams, clientInfo(request.headers)));
  },
});
