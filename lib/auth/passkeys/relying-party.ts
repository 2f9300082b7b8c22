/**
 * The passkeys' relying party: the RP ID that credentials are bound to and
 * the origin their ceremonies must come from. WEBAUTHN_RP_ID and
 * WEBAUTHN_ORIGIN name them; in development, unset, they are derived from the
 * request (the host the browser addressed), so `npm run dev` works on any
 * host. Production never guesses: a request's Host is the client's to choose,
 * and a passkey bound to a wrong RP ID would be lost when the setting is fixed.
 */
import "server-only";
import { headers } from "next/headers";
import { config } from "@/lib/config";
import { appOrigin } from "@/lib/edge/csrf";
import { ApiError } from "@/lib/errors";

export const RP_NAME = "Tessera";

export interface RelyingParty {
  rpId: string;
  origin: string;
}

/** This deployment's relying party, or `service_unavailable` in production without its settings. */
export async function relyingParty(): Promise<RelyingParty> {
  const settings = config();
  if (settings.webauthn) return settings.webauthn;
  if (settings.production) {
    throw new ApiError("service_unavailable", "Passkeys are not set up on this server: set WEBAUTHN_RP_ID and WEBAUTHN_ORIGIN.");
  }
  const sent = await headers();
  const host = (settings.trustProxy && sent.get("x-forwarded-host")) || sent.get("host");
  const origin = appOrigin(sent.get("x-forwarded-proto"), host);
  if (!origin) throw new ApiError("validation_error", "The request names no host to use passkeys on.");
  return { rpId: new URL(origin).hostname, origin };
}
