import { handlers, ok } from "@/lib/http/route";
import { setUpTotp } from "@/lib/use-cases/totp";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/totp/setup — a new secret and otpauth:// URL for the authenticator app, shown this once. */
  async POST() {
    return ok(await setUpTotp());
  },
});
