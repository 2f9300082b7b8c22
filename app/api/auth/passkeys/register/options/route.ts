import { handlers, ok } from "@/lib/http/route";
import { startPasskeyRegistration } from "@/lib/use-cases/passkeys";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/passkeys/register/options — starts adding a passkey (needs a recent sign-in). */
  async POST() {
    return ok({ options: await startPasskeyRegistration() });
  },
});
