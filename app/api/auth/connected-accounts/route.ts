import { handlers, ok } from "@/lib/http/route";
import { myConnections } from "@/lib/use-cases/federated-sign-in";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** GET /api/auth/connected-accounts — the caller's identities at sign-in providers. */
  async GET() {
    return ok({ connectedAccounts: await myConnections() });
  },
});
