import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { finishPasskeyRegistration } from "@/lib/use-cases/passkeys";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/passkeys/register/verify — `{response, name?}` stores the new passkey (201). */
  async POST(request) {
    const { input } = await readInput(request);
    return ok({ passkey: await finishPasskeyRegistration(input, clientInfo(request.headers)) }, { status: 201 });
  },
});
