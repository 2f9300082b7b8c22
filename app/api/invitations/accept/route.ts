import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { acceptInvitation } from "@/lib/use-cases/invitations";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/invitations/accept — `{token}`, signed in with the invited, confirmed address → 200 `{organization, role}`. */
  async POST(request) {
    const { input } = await readInput(request);
    return ok(await acceptInvitation(input, clientInfo(request.headers)));
  },
});
