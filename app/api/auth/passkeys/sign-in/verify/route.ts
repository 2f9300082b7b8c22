import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { finishPasskeyAuthentication } from "@/lib/use-cases/passkeys";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/passkeys/sign-in/verify — `{response, purpose?}` completes the ceremony of that purpose that options started. */
  async POST(request) {
    const { input } = await readInput(request);
    const outcome = await finishPasskeyAuthentication(input, clientInfo(request.headers));
    if (outcome.purpose === "reauth") return ok({ reauthenticated: true });
    return ok({ user: outcome.started.user, expiresAt: outcome.started.token.expiresAt.toISOString() });
  },
});
