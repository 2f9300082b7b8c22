import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok, type RouteContext } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { invite, listInvitations } from "@/lib/use-cases/invitations";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** GET /api/orgs/:id/invitations — the pending ones, for ADMINs and OWNERs. */
  async GET(_request, { params }) {
    return ok({ invitations: await listInvitations(await params) });
  },
  /** POST /api/orgs/:id/invitations — `{email, role}` → 201; mails a one-time link valid 7 days. */
  async POST(request, { params }) {
    const { id } = await params;
    const { input } = await readInput(request);
    return ok(await invite(id, input, clientInfo(request.headers)), { status: 201 });
  },
});
