import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { startPasskeyAuthentication } from "@/lib/use-cases/passkeys";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/passkeys/sign-in/options — `{purpose}`: sign-in, second-factor or reauth; limited per client address. */
  async POST(request) {
    const { input } = await readInput(request);
    return ok({ options: await startPasskeyAuthentication(input, clientInfo(request.headers)) });
  },
});
